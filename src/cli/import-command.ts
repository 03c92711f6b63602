import { resolve } from "node:path";
import { IdentityManager } from "../identity-manager.js";
import type { ConvertOptions } from "../migrate/index.js";
import { MemoryStorage } from "../storage/index.js";
import { loadAuth0Hashes, withAuth0Hashes } from "./auth0-hashes.js";
import {
  CheckpointMismatch,
  ErrorReport,
  fileIdentity,
  loadCheckpoint,
  type ReportEntry,
  removeCheckpoint,
  saveCheckpoint,
  trimReport,
} from "./checkpoint.js";
import { type Source, sourceFormat } from "./convert.js";
import { CliError, describe, EXIT } from "./errors.js";
import { type ImportCounts, runImport } from "./import-run.js";
import type { CliIo } from "./io.js";
import { createProgress } from "./progress.js";
import { type InputFormat, readRecords, sniffFormat } from "./records.js";
import { loadConfig, loadHashConfig } from "./setup.js";

export interface ImportFlags {
  from: Source;
  format?: InputFormat;
  hashConfig?: string;
  /** `--auth0-hashes`: Auth0's password-hash export, merged into the user export (`--from auth0`). */
  auth0Hashes?: string;
  schema?: string;
  config?: string;
  dryRun: boolean;
  restart: boolean;
  errors?: string;
  batchSize: number;
  concurrency: number;
  chunkSize: number;
  maxRecordBytes: number;
  databaseUrl?: string;
  dbSchema?: string;
  progressInterval: number;
}

const ZERO: ImportCounts = { records: 0, created: 0, skipped: 0, failed: 0 };

/** `idkit import --from <source> <file>`: see docs/migration.md › Command line. Resolves to the exit code. */
export async function importCommand(file: string, flags: ImportFlags, io: CliIo): Promise<number> {
  const path = resolve(io.cwd, file);
  if (flags.auth0Hashes !== undefined && flags.from !== "auth0")
    throw new CliError("--auth0-hashes goes with --from auth0");
  const hashes =
    flags.auth0Hashes === undefined
      ? undefined
      : await loadAuth0Hashes(resolve(io.cwd, flags.auth0Hashes), flags.maxRecordBytes);
  const joined = new Set<string>();
  const source =
    hashes === undefined
      ? sourceFormat(flags.from)
      : withAuth0Hashes(sourceFormat(flags.from), hashes, joined);
  let identity: { size: number; mtimeMs: number };
  try {
    identity = await fileIdentity(path);
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${describe(e)}`);
  }
  const format = flags.format ?? (await sniffFormat(path, source.recordsPath));
  if (!source.formats.includes(format))
    throw new CliError(
      `--from ${flags.from} reads ${source.formats.join(", ")}, not ${format} (see --format)`,
    );
  const config = await loadConfig(flags.config, io.cwd);
  const hashConfig = await loadHashConfig(flags.hashConfig, io.cwd);
  const convert: ConvertOptions = {
    ...(flags.schema === undefined ? {} : { schemaId: flags.schema }),
    ...(hashConfig === undefined ? {} : { hashConfig }),
    ...(config.traits === undefined ? {} : { traits: config.traits }),
    ...(config.oidcProvider === undefined ? {} : { oidcProvider: config.oidcProvider }),
  };
  const checkpointPath = `${path}.progress`;
  const reportPath = flags.errors === undefined ? `${path}.errors.ndjson` : resolve(io.cwd, flags.errors);

  let start = ZERO;
  if (!flags.dryRun) {
    if (flags.restart) await removeCheckpoint(checkpointPath);
    try {
      const saved = await loadCheckpoint(checkpointPath, { from: flags.from, ...identity });
      if (saved !== undefined) {
        start = {
          records: saved.records,
          created: saved.created,
          skipped: saved.skipped,
          failed: saved.failed,
        };
        await trimReport(reportPath, saved.records);
        io.stderr.write(`idkit import: resuming after record ${saved.records} (${checkpointPath})\n`);
      }
    } catch (e) {
      if (e instanceof CheckpointMismatch)
        throw new CliError(`${e.message}: pass --restart to import ${file} from its first record`);
      throw e;
    }
  }

  // Check the manager options before opening anything (a bad schema is a usage error).
  let managerOf: () => IdentityManager<unknown>;
  let closeDatabase = async () => {};
  const build = (storage: ConstructorParameters<typeof IdentityManager>[0]) => {
    try {
      return new IdentityManager({ ...config.manager, ...storage });
    } catch (e) {
      throw new CliError(`invalid --config: ${describe(e)}`);
    }
  };
  if (flags.dryRun) {
    // A dry run writes nothing anywhere: the config's afterCreate hook (an email, a webhook...) does not run.
    const hooks = config.manager.hooks as Record<string, unknown> | undefined;
    if (hooks?.afterCreate !== undefined) {
      const { afterCreate: _skipped, ...kept } = hooks;
      config.manager = { ...config.manager, hooks: kept };
    }
    build({ storage: new MemoryStorage() });
    managerOf = () => build({ storage: new MemoryStorage() });
  } else {
    const database = await io.openDatabase({ url: flags.databaseUrl, schema: flags.dbSchema, migrate: true });
    closeDatabase = database.close;
    const idm = build({ storage: database.storage });
    managerOf = () => idm;
  }

  const report = flags.dryRun
    ? {
        append: async (entries: readonly ReportEntry[]) => {
          for (const e of entries) io.stdout.write(`${JSON.stringify(e)}\n`);
        },
        close: async () => {},
      }
    : new ErrorReport(reportPath, start.records === 0);
  let bytes = 0;
  const progress = createProgress(io.stderr, {
    label: flags.dryRun ? "import --dry-run" : "import",
    totalBytes: identity.size,
    startRecords: start.records,
    createdWord: flags.dryRun ? "valid" : "created",
    intervalMs: flags.progressInterval * 1000,
  });
  const started = Date.now();
  let outcome: Awaited<ReturnType<typeof runImport>>;
  try {
    await report.append([]); // creates (or truncates) the report now, so it exists even when nothing fails
    const records = readRecords(path, {
      format,
      recordsPath: source.recordsPath,
      maxRecordBytes: flags.maxRecordBytes,
      onBytes: (n) => {
        bytes = n;
      },
    });
    outcome = await runImport(records, start, {
      source,
      convert,
      manager: managerOf,
      dryRun: flags.dryRun,
      chunkSize: flags.chunkSize,
      batchSize: flags.batchSize,
      concurrency: flags.concurrency,
      signal: io.signal,
      report,
      onChunk: async (counts) => {
        if (!flags.dryRun)
          await saveCheckpoint(checkpointPath, {
            format: "idkit-import-progress/1",
            from: flags.from,
            ...identity,
            ...counts,
          });
      },
      onProgress: (counts) => progress.update({ ...counts, bytes }),
    });
  } finally {
    progress.stop();
    await report.close();
    await closeDatabase();
  }

  const { counts, aborted, fatal } = outcome;
  const seconds = Math.max(0.001, (Date.now() - started) / 1000);
  const done = counts.records - start.records;
  const where = flags.dryRun ? "" : counts.failed > 0 ? `; failures in ${reportPath}` : "";
  io.stderr.write(
    `idkit import${flags.dryRun ? " --dry-run" : ""}: ${counts.records} records (${done} in ${seconds.toFixed(1)} s, ` +
      `${Math.round(done / seconds)}/s): ${counts.created} ${flags.dryRun ? "valid" : "created"}, ` +
      `${counts.skipped} skipped (already present), ${counts.failed} failed${where}; ` +
      `peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB\n`,
  );
  if (
    hashes !== undefined &&
    start.records === 0 &&
    fatal === undefined &&
    !aborted &&
    joined.size < hashes.size
  )
    io.stderr.write(
      `idkit import: ${hashes.size - joined.size} of ${hashes.size} --auth0-hashes entries matched no user of ${file} (not imported)\n`,
    );
  if (fatal !== undefined) {
    io.stderr.write(`idkit import: stopped: ${describe(fatal.error)}\n`);
    if (!flags.dryRun)
      io.stderr.write(`idkit import: rerun the same command to resume after record ${counts.records}\n`);
    return EXIT.stopped;
  }
  if (aborted) {
    if (!flags.dryRun)
      io.stderr.write(
        `idkit import: interrupted; rerun the same command to resume after record ${counts.records}\n`,
      );
    return EXIT.interrupted;
  }
  if (!flags.dryRun) await removeCheckpoint(checkpointPath);
  return counts.failed > 0 ? EXIT.failed : EXIT.ok;
}
