#!/usr/bin/env node
// The `idkit` command: `idkit import --from <vendor> <file>`, `idkit export` (docs/migration.md › Command line).
import { runCli } from "./main.js";
import { openPostgres } from "./setup.js";

const controller = new AbortController();
let signals = 0;
const stop = (name: string) => {
  signals++;
  if (signals > 1) process.exit(130);
  process.stderr.write(
    `\nidkit: ${name}: finishing the batches in flight and saving the checkpoint (again to quit now)\n`,
  );
  controller.abort();
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
// A closed pipe (`idkit export | head`) ends the output; it is not an error of the command.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
});

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
  openDatabase: openPostgres,
}).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = 3;
  },
);
