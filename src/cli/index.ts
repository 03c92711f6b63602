#!/usr/bin/env node
// The `idkit` command (issue 13; filled in by the CLI's commits).
process.stderr.write("idkit: the command line is not built yet\n");
process.exitCode = 1;
