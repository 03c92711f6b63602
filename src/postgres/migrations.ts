import type { SqlExecutor } from "./executor.js";
import type { Tables } from "./identity-sql.js";

/**
 * One schema change. Statements use only SQL that PostgreSQL (12+) and CockroachDB both run: no sequences,
 * SERIAL, advisory locks or triggers; UUID and TEXT keys; `IF NOT EXISTS` everywhere, so a statement that ran
 * before is harmless.
 */
export interface Migration {
  version: number;
  name: string;
  /** The statements, given the qualified table names. */
  statements: (t: Tables) => readonly string[];
}

/**
 * The schema, in order. Never edit a released migration: add a new one.
 *
 * - `idkit_identities`: one row per identity; traits and metadata as JSONB; credentials and addresses as JSONB
 *   documents (their uniqueness lives in `idkit_identity_keys`); timestamps as ISO-8601 text, so they round-trip
 *   exactly (`updated_at` is the compare-and-set version, compared as text).
 * - `idkit_identity_keys`: one row per uniqueness key (credential identifier, verifiable address, recovery
 *   address, external_id); the primary key is the 32-byte SHA-256 of `kind, scope, value`, so long values never
 *   exceed an index entry and every lookup is one primary-key probe.
 * - `idkit_flow_tokens`: recovery and verification tokens, only their keyed digests.
 * - `idkit_api_keys` (version 2): machine identities' API keys, only the keyed digests of their secrets; the key id
 *   (embedded in the key) is the primary key; deleted with their identity (`ON DELETE CASCADE`). Version 3 adds
 *   `replaced_by` (the successor's key id once the key was rotated; a key is rotated at most once).
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "create identities, identity keys and flow tokens",
    statements: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t.identities} (
        id UUID PRIMARY KEY,
        schema_id TEXT NOT NULL,
        state TEXT NOT NULL,
        state_changed_at TEXT NOT NULL,
        traits JSONB NOT NULL,
        verifiable_addresses JSONB NOT NULL,
        recovery_addresses JSONB NOT NULL,
        metadata_public JSONB,
        metadata_admin JSONB,
        credentials JSONB NOT NULL,
        external_id TEXT,
        organization_id UUID,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`,
      `CREATE INDEX IF NOT EXISTS idkit_identities_organization_id_idx ON ${t.identities} (organization_id, id)`,
      `CREATE TABLE IF NOT EXISTS ${t.keys} (
        key BYTEA PRIMARY KEY,
        identity_id UUID NOT NULL REFERENCES ${t.identities} (id) ON DELETE CASCADE,
        kind TEXT NOT NULL
      )`,
      `CREATE INDEX IF NOT EXISTS idkit_identity_keys_identity_id_idx ON ${t.keys} (identity_id)`,
      `CREATE TABLE IF NOT EXISTS ${t.tokens} (
        id UUID PRIMARY KEY,
        kind TEXT NOT NULL,
        digest TEXT NOT NULL,
        identity_id UUID NOT NULL REFERENCES ${t.identities} (id) ON DELETE CASCADE,
        address JSONB,
        issued_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        attempts INT NOT NULL DEFAULT 0
      )`,
      `CREATE UNIQUE INDEX IF NOT EXISTS idkit_flow_tokens_kind_digest_key ON ${t.tokens} (kind, digest)`,
      `CREATE INDEX IF NOT EXISTS idkit_flow_tokens_identity_id_idx ON ${t.tokens} (identity_id)`,
    ],
  },
  {
    version: 2,
    name: "create api keys",
    statements: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t.apiKeys} (
        id TEXT PRIMARY KEY,
        identity_id UUID NOT NULL REFERENCES ${t.identities} (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        scopes JSONB NOT NULL,
        metadata JSONB,
        digest TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT,
        last_used_at TEXT,
        revoked_at TEXT
      )`,
      `CREATE INDEX IF NOT EXISTS idkit_api_keys_identity_id_idx ON ${t.apiKeys} (identity_id, created_at, id)`,
    ],
  },
  {
    version: 3,
    name: "api keys record their rotation",
    statements: (t) => [`ALTER TABLE ${t.apiKeys} ADD COLUMN IF NOT EXISTS replaced_by TEXT`],
  },
];

/** The newest schema version this release knows. */
export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

const ledger = (t: Tables) => `CREATE TABLE IF NOT EXISTS ${t.migrations} (
  version INT PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)`;

/** SQLSTATEs of a concurrent `CREATE ... IF NOT EXISTS` losing a catalog race (PostgreSQL). */
const CATALOG_RACE = new Set(["23505", "42P07", "42710"]);

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * Brings the schema up to {@link SCHEMA_VERSION}. Safe when several processes run it at once, without advisory
 * locks: each migration runs in a transaction that first claims its row in `idkit_migrations`
 * (`INSERT ... ON CONFLICT DO NOTHING`). A concurrent claimant waits on that row and, once the first commits,
 * finds it taken and skips the migration; if the first rolls back, the second applies it. Re-running is a no-op.
 * @returns the versions this call applied (empty when the schema was current).
 */
export async function runMigrations(
  executor: SqlExecutor,
  t: Tables,
  retry: <T>(fn: () => Promise<T>) => Promise<T>,
) {
  for (let attempt = 0; ; attempt++) {
    try {
      await executor.query(ledger(t));
      break;
    } catch (error) {
      // Two processes creating the ledger at the same instant: PostgreSQL lets one of them fail on its catalog.
      if (attempt >= 3 || !CATALOG_RACE.has(sqlState(error) ?? "")) throw error;
    }
  }
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    const ran = await retry(() =>
      executor.transaction(async (tx) => {
        const claim = await tx.query(
          `INSERT INTO ${t.migrations} (version, name) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING RETURNING version`,
          [migration.version, migration.name],
        );
        if (claim.rows.length === 0) return false;
        for (const statement of migration.statements(t)) await tx.query(statement);
        return true;
      }),
    );
    if (ran) applied.push(migration.version);
  }
  return applied;
}

/** The highest applied version, or 0 when idkit's tables do not exist yet. */
export async function appliedVersion(
  executor: SqlExecutor,
  t: Tables,
  schema: string | undefined,
): Promise<number> {
  const found = await executor.query(
    "SELECT 1 FROM information_schema.tables WHERE table_schema = coalesce($1, current_schema()) AND table_name = 'idkit_migrations'",
    [schema ?? null],
  );
  if (found.rows.length === 0) return 0;
  const result = await executor.query<{ version: number | null }>(
    `SELECT max(version) AS version FROM ${t.migrations}`,
  );
  return Number(result.rows[0]?.version ?? 0);
}
