import type { StoredFlowToken } from "../storage/storage-adapter.js";

/** The select list of a flow token, every column as text or integer. */
export const TOKEN_SELECT =
  "id::text AS id, kind, digest, identity_id::text AS identity_id, address::text AS address, issued_at, expires_at, attempts";

/** A row read with {@link TOKEN_SELECT} back into a stored token. */
export function tokenFromRow(row: Record<string, unknown>): StoredFlowToken {
  return {
    id: row.id as string,
    kind: row.kind as StoredFlowToken["kind"],
    digest: row.digest as string,
    identity_id: row.identity_id as string,
    address: typeof row.address === "string" ? JSON.parse(row.address) : null,
    issued_at: row.issued_at as string,
    expires_at: row.expires_at as string,
    attempts: Number(row.attempts),
  };
}

/** A token as the parameters of its INSERT (`id, kind, digest, identity_id, address, issued_at, expires_at, attempts`). */
export function tokenParams(token: StoredFlowToken): unknown[] {
  const { id, kind, digest, identity_id, address, issued_at, expires_at, attempts } = token;
  return [
    id,
    kind,
    digest,
    identity_id,
    address === null ? null : JSON.stringify(address),
    issued_at,
    expires_at,
    attempts,
  ];
}
