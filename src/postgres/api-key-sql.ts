import type { StoredIdentity } from "../identity/identity.js";
import type { ApiKeyInsert, StoredApiKey } from "../storage/api-key-store.js";
import type { SqlQueryable } from "./executor.js";
import { PREPARED, replaceIdentity, type Tables, type WriteStatements } from "./identity-sql.js";
import { isLowerUuid } from "./rows.js";

/**
 * PostgresStorage's API keys, in `idkit_api_keys` (migration 2; `replaced_by`, migration 3): the key id is the primary key (the
 * authentication's lookup is one primary-key probe joined to the identity's row), `identity_id` a foreign key
 * with `ON DELETE CASCADE` (deleting an identity deletes its keys in the same statement) and indexed with
 * `created_at, id` for the listing. Times are compared as `timestamptz`, never as collated text.
 */

/** The key's columns, text columns JSON-encoded (as `IDENTITY_SELECT` does, so a leading U+FEFF survives). */
const KEY_SELECT = [
  "to_json(k.id)::text AS key_id",
  "k.identity_id::text AS key_identity_id",
  "to_json(k.name)::text AS key_name",
  "k.scopes::text AS key_scopes",
  "k.metadata::text AS key_metadata",
  "to_json(k.digest)::text AS key_digest",
  "to_json(k.created_at)::text AS key_created_at",
  "to_json(k.expires_at)::text AS key_expires_at",
  "to_json(k.last_used_at)::text AS key_last_used_at",
  "to_json(k.revoked_at)::text AS key_revoked_at",
  "to_json(k.replaced_by)::text AS key_replaced_by",
].join(", ");

function keyFromRow(row: Record<string, unknown>): StoredApiKey {
  const json = (column: string) => {
    const text = row[`key_${column}`];
    return typeof text === "string" ? JSON.parse(text) : null;
  };
  return {
    id: json("id"),
    identity_id: row.key_identity_id as string,
    name: json("name"),
    scopes: json("scopes"),
    metadata: json("metadata"),
    digest: json("digest"),
    created_at: json("created_at"),
    expires_at: json("expires_at"),
    last_used_at: json("last_used_at"),
    revoked_at: json("revoked_at"),
    replaced_by: json("replaced_by"),
  };
}

/** Text PostgreSQL can hold (no U+0000); any other id matches no key. */
const storable = (id: string) => typeof id === "string" && !id.includes("\0");

/** The API key statements of one set of tables (texts built once: each is prepared under its text). */
function keyStatements(t: Tables) {
  return {
    expire: `UPDATE ${t.apiKeys} SET replaced_by = $4, expires_at = CASE
           WHEN expires_at IS NULL OR expires_at::timestamptz > $2::text::timestamptz THEN $2::text ELSE expires_at END
         WHERE id = $1 AND identity_id = $3::uuid AND revoked_at IS NULL AND replaced_by IS NULL RETURNING id`,
    insert: `INSERT INTO ${t.apiKeys}
         (id, identity_id, name, scopes, metadata, digest, created_at, expires_at, last_used_at, revoked_at, replaced_by)
       VALUES ($1, $2::uuid, $3, $4::jsonb, $5::jsonb, $6, $7, $8, $9, $10, $11)`,
    prune: `DELETE FROM ${t.apiKeys} WHERE identity_id = $1::uuid AND id = ANY($2::text[])`,
    // The key's row and its identity's (a correlated subquery: both primary-key probes), each as one JSON text
    // (`row_to_json`: TEXT columns JSON-encoded, so a leading U+FEFF survives).
    find: `SELECT row_to_json(k)::text AS k,
         (SELECT row_to_json(i)::text FROM ${t.identities} i WHERE i.id = k.identity_id) AS i
       FROM ${t.apiKeys} k WHERE k.id = $1`,
    list: `SELECT ${KEY_SELECT} FROM ${t.apiKeys} k WHERE k.identity_id = $1::uuid ORDER BY k.created_at, k.id`,
    revoke: `UPDATE ${t.apiKeys} k SET revoked_at = coalesce(k.revoked_at, $2::text) WHERE k.id = $1 RETURNING ${KEY_SELECT}`,
    touch: `UPDATE ${t.apiKeys} SET last_used_at = $2
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at::timestamptz <= $3::text::timestamptz)`,
  };
}

/** The API key statements of one set of tables. */
export class ApiKeySql {
  private readonly s: ReturnType<typeof keyStatements>;
  constructor(
    t: Tables,
    private readonly sql: WriteStatements,
  ) {
    this.s = keyStatements(t);
  }

  /** {@link ApiKeyStore.insertApiKey} inside the caller's transaction; anything but `ok` must roll back. */
  async insert(tx: SqlQueryable, change: ApiKeyInsert): Promise<"ok" | "stale" | "not_found"> {
    const { key, identity, expectedUpdatedAt, expire, remove = [] } = change;
    if (key.identity_id !== identity.id) throw new Error("API key of another identity");
    const written = await replaceIdentity(tx, this.sql, identity, expectedUpdatedAt);
    if (written !== "ok") return written;
    if (expire) {
      // One conditional write: of two concurrent rotations of a key, the second finds replaced_by set.
      const capped = await tx.query(this.s.expire, [expire.id, expire.at, identity.id, key.id], PREPARED);
      if (capped.rows.length === 0) return "stale";
    }
    await tx.query(
      this.s.insert,
      [
        key.id,
        key.identity_id,
        key.name,
        JSON.stringify(key.scopes),
        JSON.stringify(key.metadata ?? null),
        key.digest,
        key.created_at,
        key.expires_at,
        key.last_used_at,
        key.revoked_at,
        key.replaced_by ?? null,
      ],
      PREPARED,
    );
    const pruned = remove.filter((id) => id !== key.id && storable(id));
    if (pruned.length > 0) {
      await tx.query(this.s.prune, [identity.id, pruned], PREPARED);
    }
    return "ok";
  }

  /** {@link ApiKeyStore.findApiKey}: one prepared statement, one round trip, the key's row and its identity's. */
  async find(
    db: SqlQueryable,
    id: string,
  ): Promise<{ key: StoredApiKey; identity: StoredIdentity } | undefined> {
    if (!storable(id)) return undefined;
    const { rows } = await db.query<{ k: string; i: string | null }>(this.s.find, [id], PREPARED);
    const row = rows[0];
    if (row === undefined || row.i === null) return undefined;
    return { key: JSON.parse(row.k), identity: JSON.parse(row.i) };
  }

  async list(db: SqlQueryable, identityId: string): Promise<StoredApiKey[]> {
    if (!isLowerUuid(identityId)) return [];
    const { rows } = await db.query(this.s.list, [identityId], PREPARED);
    return rows.map(keyFromRow);
  }

  async revoke(db: SqlQueryable, id: string, at: string): Promise<StoredApiKey | undefined> {
    if (!storable(id)) return undefined;
    const { rows } = await db.query(this.s.revoke, [id, at], PREPARED);
    return rows[0] === undefined ? undefined : keyFromRow(rows[0]);
  }

  async touch(db: SqlQueryable, id: string, at: string, usedBefore: string): Promise<void> {
    if (!storable(id)) return;
    await db.query(this.s.touch, [id, at, usedBefore], PREPARED);
  }
}
