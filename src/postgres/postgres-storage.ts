import { StorageError } from "../errors/index.js";
import type { CredentialsType, StoredIdentity } from "../identity/identity.js";
import type { ApiKeyInsert } from "../storage/api-key-store.js";
import type {
  CodeSubmission,
  FlowTokenKind,
  FlowTokenRedemption,
  InsertOutcome,
  ListIdentitiesQuery,
  RedemptionOutcome,
  StorageAdapter,
  StoredFlowToken,
} from "../storage/storage-adapter.js";
import { ApiKeySql } from "./api-key-sql.js";
import { insertAtOnce, insertBatch, prepareBatch } from "./batch-insert.js";
import { methodsOf, readStorageOptions } from "./configure.js";
import type { SqlExecutor, SqlQueryable } from "./executor.js";
import {
  AD_HOC,
  PREPARED,
  replaceIdentity,
  type Tables,
  tables,
  type WriteStatements,
  writeStatements,
} from "./identity-sql.js";
import { appliedVersion, runMigrations, SCHEMA_VERSION } from "./migrations.js";
import { type RetryOptions, withRetry } from "./retry.js";
import { credentialKey, externalIdKey, IDENTITY_SELECT, identityFromRow, isLowerUuid } from "./rows.js";
import { TOKEN_SELECT, tokenFromRow, tokenParams } from "./token-rows.js";

/** Options of {@link PostgresStorage}. */
export interface PostgresStorageOptions {
  /** Retries of transactions that fail with a serialization failure (40001) or a deadlock (40P01). */
  retry?: RetryOptions;
  /**
   * The PostgreSQL schema idkit's tables live in (it must exist; `migrate()` creates the tables in it). Lower-case
   * letters, digits and underscores. Default: none, i.e. the connection's `search_path` (usually `public`).
   */
  schema?: string;
}

/** Rolls a transaction back while handing a result out of it. */
class Rollback<T> {
  constructor(readonly value: T) {}
}
/** Commits on `ok`, rolls back with any other outcome. */
const okOrRollback = <T extends string>(outcome: T) => (outcome === "ok" ? outcome : new Rollback(outcome));

/**
 * The PostgreSQL adapter (`idkit/postgres`): identities, their uniqueness keys and flow tokens in three tables
 * (see `docs/storage.md`), over any {@link SqlExecutor} (`fromPgPool(pool)`, `fromPGlite(db)`).
 *
 * Every identity write is one transaction (a batch whose ids and keys are all free: one statement); batches and
 * imports insert with multi-row statements;
 * uniqueness lives in unique indexes, claimed with `INSERT ... ON CONFLICT`; compare-and-set is a conditional
 * `UPDATE`; tokens are consumed with `DELETE ... RETURNING`. The SQL is the subset CockroachDB also runs, and
 * transactions that hit a serialization failure are retried with backoff (`docs/scaling.md`).
 *
 * Call {@link migrate} once at deploy or start-up (safe from several processes at once); the first operation
 * refuses to run on a schema older than this release's.
 */
export class PostgresStorage implements StorageAdapter {
  readonly supportsMultipleProcesses = true;
  readonly #executor: SqlExecutor;
  readonly #retry: RetryOptions;
  readonly #t: Tables;
  readonly #sql: WriteStatements;
  readonly #schema: string | undefined;
  readonly #keys: ApiKeySql;

  /**
   * @param executor the database, e.g. `fromPgPool(new pg.Pool())` or `fromPGlite(new PGlite())`. The caller
   *   owns it: {@link close} does not end a pool.
   * @param options `schema` and the retry policy for serialization failures.
   * @throws IdentityError `invalid_configuration` for an executor without `query` and `transaction`, an unknown
   *   option, a schema name that is not a plain lower-case identifier, or retry numbers out of range.
   */
  constructor(executor: SqlExecutor, options: PostgresStorageOptions = {}) {
    const { schema, retry } = readStorageOptions(options);
    const { query, transaction } = methodsOf(executor, "executor", ["query", "transaction"]);
    this.#executor = {
      query: (sql, params, options) => query(sql, params, options) as never,
      transaction: (fn) => transaction(fn) as never,
    };
    this.#retry = retry;
    this.#schema = schema;
    this.#t = tables(schema);
    this.#sql = writeStatements(this.#t);
    this.#keys = new ApiKeySql(this.#t, this.#sql);
  }

  /**
   * Creates or upgrades idkit's tables (versioned, idempotent, safe when several processes run it at once).
   * @returns the schema versions this call applied.
   * @throws StorageError `storage_error` when the database refuses (e.g. the schema does not exist), the driver's
   *   error on `cause`.
   */
  async migrate(): Promise<number[]> {
    try {
      return await runMigrations(this.#executor, this.#t, (fn) => withRetry(fn, this.#retry));
    } catch (cause) {
      // The driver's text (it may name hosts or schemas) stays on `cause`, for the operator's logs.
      throw new StorageError({ reason: "The idkit schema migration failed; see the cause.", cause });
    }
  }

  /** Checks that {@link migrate} has run (called once by the manager before the first operation). */
  async init(): Promise<void> {
    const version = await appliedVersion(this.#executor, this.#t, this.#schema);
    if (version < SCHEMA_VERSION) {
      throw StorageError.hint(
        `idkit's PostgreSQL schema is at version ${version}, this release needs ${SCHEMA_VERSION}: run \`await storage.migrate()\` first.`,
      );
    }
  }

  #tx<T>(fn: (tx: SqlQueryable) => Promise<T | Rollback<T>>): Promise<T> {
    return withRetry(async () => {
      try {
        return await this.#executor.transaction(async (tx) => {
          const out = await fn(tx);
          if (out instanceof Rollback) throw out;
          return out;
        });
      } catch (e) {
        if (e instanceof Rollback) return e.value as T;
        throw e;
      }
    }, this.#retry);
  }

  #query<Row = Record<string, unknown>>(sql: string, params: readonly unknown[], options = PREPARED) {
    return withRetry(() => this.#executor.query<Row>(sql, params, options), this.#retry);
  }

  async #one(where: string, params: readonly unknown[]): Promise<StoredIdentity | undefined> {
    const { rows } = await this.#query(
      `SELECT ${IDENTITY_SELECT} FROM ${this.#t.identities} i ${where} LIMIT 1`,
      params,
    );
    return rows[0] === undefined ? undefined : identityFromRow(rows[0]);
  }

  async insertIdentities(identities: readonly StoredIdentity[]): Promise<InsertOutcome[]> {
    const batch = prepareBatch(identities);
    if (batch.rounds.length === 0) return batch.outcomes;
    const done = await withRetry(() => insertAtOnce(this.#executor, this.#sql, batch), this.#retry);
    return done ?? this.#tx((tx) => insertBatch(tx, this.#sql, batch));
  }

  getIdentity(id: string): Promise<StoredIdentity | undefined> {
    if (!isLowerUuid(id)) return Promise.resolve(undefined);
    return this.#one("WHERE i.id = $1::uuid", [id]);
  }

  findIdentityByCredentialIdentifier(type: CredentialsType, identifier: string) {
    return this.#one(`JOIN ${this.#t.keys} k ON k.identity_id = i.id WHERE k.key = decode($1, 'hex')`, [
      credentialKey(type, identifier),
    ]);
  }

  findIdentityByExternalId(externalId: string) {
    return this.#one(`JOIN ${this.#t.keys} k ON k.identity_id = i.id WHERE k.key = decode($1, 'hex')`, [
      externalIdKey(externalId),
    ]);
  }

  async listIdentities(query: ListIdentitiesQuery): Promise<StoredIdentity[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (query.after !== undefined)
      where.push(`i.id > ${param(isLowerUuid(query.after) ? query.after : null)}::uuid`);
    if (query.ids !== undefined) where.push(`i.id = ANY(${param(query.ids.filter(isLowerUuid))}::uuid[])`);
    if (query.credentialsIdentifiers !== undefined) {
      const keys = query.credentialsIdentifiers.map((c) => credentialKey(c.type, c.identifier));
      where.push(
        `i.id IN (SELECT identity_id FROM ${this.#t.keys} WHERE key IN (SELECT decode(h, 'hex') FROM unnest(${param(keys)}::text[]) AS h))`,
      );
    }
    if (query.organizationId !== undefined) {
      const org = isLowerUuid(query.organizationId) ? query.organizationId : null;
      where.push(org === null ? "FALSE" : `i.organization_id = ${param(org)}::uuid`);
    }
    const sql = `SELECT ${IDENTITY_SELECT} FROM ${this.#t.identities} i ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY i.id LIMIT ${param(query.limit)}`;
    const { rows } = await this.#query(sql, params, AD_HOC); // many shapes: not prepared
    return rows.map(identityFromRow);
  }

  updateIdentity(identity: StoredIdentity, expectedUpdatedAt?: string) {
    return this.#tx(async (tx) => {
      const outcome = await replaceIdentity(tx, this.#sql, identity, expectedUpdatedAt);
      return outcome === "ok" ? outcome : new Rollback(outcome);
    });
  }

  async deleteIdentity(id: string): Promise<boolean> {
    if (!isLowerUuid(id)) return false;
    const { rows } = await this.#query(`DELETE FROM ${this.#t.identities} WHERE id = $1::uuid RETURNING id`, [
      id,
    ]);
    return rows.length > 0;
  }

  async insertFlowToken(token: StoredFlowToken): Promise<void> {
    try {
      await this.#insertToken(token);
    } catch (error) {
      // The identity was deleted meanwhile (foreign key violation): the token would have been deleted with it,
      // so it is dropped, as MemoryStorage's delete would have dropped it; redeeming it is token_invalid.
      if ((error as { code?: unknown } | null)?.code === "23503") return;
      throw error;
    }
  }

  async #insertToken(token: StoredFlowToken): Promise<void> {
    await this.#query(
      `INSERT INTO ${this.#t.tokens} (id, kind, digest, identity_id, address, issued_at, expires_at, attempts)
       VALUES ($1::uuid, $2, $3, $4::uuid, $5::jsonb, $6, $7, $8::int)`,
      tokenParams(token),
    );
  }

  async findFlowToken(kind: FlowTokenKind, digests: readonly string[]): Promise<StoredFlowToken | undefined> {
    const { rows } = await this.#query(
      `SELECT ${TOKEN_SELECT} FROM ${this.#t.tokens} WHERE kind = $1 AND digest = ANY($2::text[]) LIMIT 1`,
      [kind, [...digests]],
    );
    return rows[0] === undefined ? undefined : tokenFromRow(rows[0]);
  }

  async checkFlowCode(
    flowId: string,
    kind: FlowTokenKind,
    digests: readonly string[],
    maxAttempts: number,
  ): Promise<CodeSubmission> {
    if (!isLowerUuid(flowId)) return { status: "not_found" };
    const read = () =>
      this.#query(`SELECT ${TOKEN_SELECT} FROM ${this.#t.tokens} WHERE id = $1::uuid AND kind = $2`, [
        flowId,
        kind,
      ]);
    const row = (await read()).rows[0];
    if (row === undefined) return { status: "not_found" };
    const token = tokenFromRow(row);
    if (token.attempts >= maxAttempts) return { status: "exhausted" };
    if (digests.includes(token.digest)) return { status: "ok", token };
    // One atomic increment, bounded by the limit: concurrent wrong codes never count past maxAttempts.
    const counted = await this.#query(
      `UPDATE ${this.#t.tokens} SET attempts = attempts + 1 WHERE id = $1::uuid AND kind = $2 AND attempts < $3::int RETURNING attempts`,
      [flowId, kind, maxAttempts],
    );
    if (counted.rows.length > 0) return { status: "mismatch" };
    return (await read()).rows.length === 0 ? { status: "not_found" } : { status: "exhausted" };
  }

  redeemFlowToken({ id, kind, update }: FlowTokenRedemption): Promise<RedemptionOutcome> {
    if (!isLowerUuid(id)) return Promise.resolve("token_gone");
    return this.#tx(async (tx): Promise<RedemptionOutcome | Rollback<RedemptionOutcome>> => {
      const consumed = await tx.query(
        `DELETE FROM ${this.#t.tokens} WHERE id = $1::uuid AND kind = $2 RETURNING id`,
        [id, kind],
        PREPARED,
      );
      if (consumed.rows.length === 0) return new Rollback("token_gone");
      if (update) {
        const written = await replaceIdentity(tx, this.#sql, update.identity, update.expectedUpdatedAt);
        if (written !== "ok") return new Rollback(written === "stale" ? "stale" : "identity_not_found");
      }
      return "ok";
    });
  }

  insertApiKey(change: ApiKeyInsert) {
    return this.#tx(async (tx) => okOrRollback(await this.#keys.insert(tx, change)));
  }
  findApiKey(id: string) {
    return withRetry(() => this.#keys.find(this.#executor, id), this.#retry);
  }
  listApiKeys(identityId: string) {
    return withRetry(() => this.#keys.list(this.#executor, identityId), this.#retry);
  }
  revokeApiKey(id: string, at: string) {
    return withRetry(() => this.#keys.revoke(this.#executor, id, at), this.#retry);
  }
  touchApiKey(id: string, at: string, usedBefore: string) {
    return withRetry(() => this.#keys.touch(this.#executor, id, at, usedBefore), this.#retry);
  }

  /** Nothing to release: the executor (and its pool) belongs to the caller. */
  async close(): Promise<void> {}
}
