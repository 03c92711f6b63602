import type { SourceFormat } from "./convert.js";
import { CliError } from "./errors.js";
import { readRecords } from "./records.js";

/** Most entries of an `--auth0-hashes` file held in memory (about 150 bytes each: ~1.5 GB at the cap). */
export const MAX_AUTH0_HASHES = 10_000_000;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** `auth0|<_id.$oid>` of a hash-export line (or its `user_id`), or undefined. */
function userIdOf(line: Record<string, unknown>): string | undefined {
  if (typeof line.user_id === "string" && line.user_id !== "") return line.user_id;
  const id = line._id;
  const oid = isObject(id) ? id.$oid : id;
  return typeof oid === "string" && oid !== "" && oid.length <= 256 ? `auth0|${oid}` : undefined;
}

/**
 * Reads Auth0's password-hash export (NDJSON: `_id.$oid`, `email`, `passwordHash`) into a map `user_id` →
 * `passwordHash`, in memory (one entry per line; at most {@link MAX_AUTH0_HASHES}). Any line that is not such a
 * record is a usage error naming its line: the file is fixed first, no user is silently left without a password.
 *
 * @throws CliError on an unreadable file or line, a line without an id or hash, two hashes for one user, or too
 *   many lines.
 */
export async function loadAuth0Hashes(path: string, maxRecordBytes: number): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  try {
    for await (const r of readRecords(path, { format: "ndjson", maxRecordBytes })) {
      const where = `--auth0-hashes line ${r.line ?? r.position}`;
      if (r.problem !== undefined) throw new CliError(`${where}: ${r.problem.message}`);
      if (!isObject(r.value)) throw new CliError(`${where}: not a JSON object`);
      const id = userIdOf(r.value);
      const hash = r.value.passwordHash ?? r.value.password_hash;
      if (id === undefined) throw new CliError(`${where}: no _id.$oid`);
      if (typeof hash !== "string" || hash === "" || hash.length > 4096)
        throw new CliError(`${where}: no passwordHash`);
      if (hashes.has(id)) throw new CliError(`${where}: a second hash for ${id}`);
      if (hashes.size >= MAX_AUTH0_HASHES)
        throw new CliError(`--auth0-hashes: more than ${MAX_AUTH0_HASHES} lines; split the user export`);
      hashes.set(id, hash);
    }
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`cannot read --auth0-hashes: ${e instanceof Error ? e.message : String(e)}`);
  }
  return hashes;
}

/**
 * `source` with each Auth0 user-export record given its password hash from `hashes` (joined on `user_id`), so one
 * record carries `blocked`, `app_metadata`, identities and the phone together with the hash. A record with a hash of
 * its own keeps it. `used` collects the ids joined (to report hashes that matched no user).
 */
export function withAuth0Hashes(
  source: SourceFormat,
  hashes: ReadonlyMap<string, string>,
  used: Set<string>,
): SourceFormat {
  return {
    ...source,
    convert: (record, options) => {
      if (!isObject(record) || typeof record.user_id !== "string") return source.convert(record, options);
      const hash = hashes.get(record.user_id);
      const own = ["passwordHash", "password_hash", "custom_password_hash"].some((k) =>
        Object.hasOwn(record, k),
      );
      if (hash === undefined || own) return source.convert(record, options);
      used.add(record.user_id);
      return source.convert({ ...record, passwordHash: hash }, options);
    },
  };
}
