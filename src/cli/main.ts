import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import packageJson from "../../package.json" with { type: "json" };
import { SOURCES, type Source } from "./convert.js";
import { CliError, describe, EXIT } from "./errors.js";
import { exportCommand } from "./export-command.js";
import { importCommand } from "./import-command.js";
import type { CliIo } from "./io.js";
import { INPUT_FORMATS, type InputFormat } from "./records.js";

export { EXIT } from "./errors.js";
export type { CliIo } from "./io.js";

function integer(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}.`);
    return n;
  };
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 3600)
    throw new InvalidArgumentError("must be a number of seconds above 0 and at most 3600.");
  return n;
}

const databaseHelp = "PostgreSQL connection string (default: $DATABASE_URL)";
const dbSchemaHelp = "PostgreSQL schema holding idkit's tables (default: $IDKIT_DB_SCHEMA, else public)";
const configHelp = "module whose default export is IdentityManager options (schemas, hashing, hooks)";

function program(io: CliIo, setExit: (code: number) => void): Command {
  const cli = new Command("idkit")
    .description("idkit's command line: import users from another identity system, export identities.")
    .version(packageJson.version, "-v, --version")
    .showHelpAfterError("(run with --help for the flags)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(s),
    });

  cli
    .command("import")
    .description(
      "import a vendor's user export into the database (resumable; failures go to <file>.errors.ndjson)",
    )
    .argument("<file>", "the export file (JSON array, NDJSON or CSV)")
    .addOption(
      new Option("--from <source>", "the system the file comes from").choices(SOURCES).makeOptionMandatory(),
    )
    .addOption(
      new Option(
        "--format <format>",
        "the file's format (default: from its extension and first byte)",
      ).choices(INPUT_FORMATS),
    )
    .option(
      "--hash-config <file>",
      "JSON file with the vendor's hash configuration (e.g. Firebase's hash_config)",
    )
    .option(
      "--auth0-hashes <file>",
      "with --from auth0: Auth0's password-hash export (NDJSON), joined into the user export by user id",
    )
    .option("--schema <id>", "identity schema id of the imported identities (default: the manager's default)")
    .option("--config <file>", configHelp)
    .option(
      "--dry-run",
      "convert and validate every record, write nothing (failures are printed on stdout)",
      false,
    )
    .option("--restart", "ignore <file>.progress and start from the first record", false)
    .option("--errors <file>", "where the error report goes (default: <file>.errors.ndjson)")
    .option("--batch-size <n>", "identities per write", integer("--batch-size", 1, 1000), 500)
    .option("--concurrency <n>", "batches prepared at once", integer("--concurrency", 1, 64), 2)
    .option("--chunk-size <n>", "records per checkpoint", integer("--chunk-size", 1, 100_000), 2000)
    .option(
      "--max-record-bytes <n>",
      "longest NDJSON line read",
      integer("--max-record-bytes", 1024, 64 * 1024 * 1024),
      1024 * 1024,
    )
    .option("--database-url <url>", databaseHelp)
    .option("--db-schema <name>", dbSchemaHelp)
    .option(
      "--progress-interval <seconds>",
      "seconds between progress lines when stderr is not a terminal",
      seconds,
      5,
    )
    .action(async (file: string, o: Record<string, unknown>) => {
      setExit(
        await importCommand(
          file,
          {
            from: o.from as Source,
            ...(o.format === undefined ? {} : { format: o.format as InputFormat }),
            ...(o.hashConfig === undefined ? {} : { hashConfig: o.hashConfig as string }),
            ...(o.auth0Hashes === undefined ? {} : { auth0Hashes: o.auth0Hashes as string }),
            ...(o.schema === undefined ? {} : { schema: o.schema as string }),
            ...(o.config === undefined ? {} : { config: o.config as string }),
            ...(o.errors === undefined ? {} : { errors: o.errors as string }),
            dryRun: o.dryRun === true,
            restart: o.restart === true,
            batchSize: o.batchSize as number,
            concurrency: o.concurrency as number,
            chunkSize: o.chunkSize as number,
            maxRecordBytes: o.maxRecordBytes as number,
            ...database(o, io),
            progressInterval: o.progressInterval as number,
          },
          io,
        ),
      );
    });

  cli
    .command("export")
    .description("write every identity as an import-ready NDJSON create body (to stdout or --output)")
    .option("--include-credentials", "include password hashes, TOTP, lookup codes and WebAuthn keys", false)
    .option("-o, --output <file>", "write to this file instead of stdout")
    .option("--page-size <n>", "identities per read", integer("--page-size", 1, 500), 500)
    .option("--config <file>", configHelp)
    .option("--database-url <url>", databaseHelp)
    .option("--db-schema <name>", dbSchemaHelp)
    .option(
      "--progress-interval <seconds>",
      "seconds between progress lines when stderr is not a terminal",
      seconds,
      5,
    )
    .action(async (o: Record<string, unknown>) => {
      setExit(
        await exportCommand(
          {
            includeCredentials: o.includeCredentials === true,
            ...(o.output === undefined ? {} : { output: o.output as string }),
            pageSize: o.pageSize as number,
            ...(o.config === undefined ? {} : { config: o.config as string }),
            ...database(o, io),
            progressInterval: o.progressInterval as number,
          },
          io,
        ),
      );
    });
  return cli;
}

function database(o: Record<string, unknown>, io: CliIo): { databaseUrl?: string; dbSchema?: string } {
  const url = (o.databaseUrl as string | undefined) ?? io.env.DATABASE_URL;
  const schema = (o.dbSchema as string | undefined) ?? io.env.IDKIT_DB_SCHEMA;
  return {
    ...(url === undefined || url === "" ? {} : { databaseUrl: url }),
    ...(schema === undefined || schema === "" ? {} : { dbSchema: schema }),
  };
}

/**
 * Runs the `idkit` command with `argv` (the arguments after `idkit`) and resolves to its exit code (see
 * {@link EXIT}); it never throws and never prints a stack: every failure is one line on stderr.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exit: number = EXIT.ok;
  const cli = program(io, (code) => {
    exit = code;
  });
  if (argv.length === 0) {
    cli.outputHelp({ error: true });
    return EXIT.usage;
  }
  try {
    await cli.parseAsync([...argv], { from: "user" });
    return exit;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === "commander.helpDisplayed" ||
        e.code === "commander.version" ||
        e.code === "commander.help"
      )
        return EXIT.ok;
      return EXIT.usage;
    }
    if (e instanceof CliError) {
      io.stderr.write(`idkit: ${e.message}\n`);
      return e.exitCode;
    }
    io.stderr.write(`idkit: ${describe(e)}\n`);
    return EXIT.stopped;
  }
}
