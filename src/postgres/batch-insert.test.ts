import { describe, expect, it } from "vitest";
import type { StoredIdentity } from "../identity/identity.js";
import { prepareBatch } from "./batch-insert.js";

const AT = "2026-01-01T00:00:00.000Z";
const identity = (id: string, email: string): StoredIdentity => ({
  id,
  schema_id: "preset://email",
  state: "active",
  state_changed_at: AT,
  traits: { email },
  verifiable_addresses: [],
  recovery_addresses: [
    {
      id: "00000000-0000-4000-8000-000000000001",
      value: email,
      via: "email",
      created_at: AT,
      updated_at: AT,
    },
  ],
  metadata_public: null,
  metadata_admin: null,
  credentials: {},
  external_id: `ext-${email}`,
  organization_id: null,
  created_at: AT,
  updated_at: AT,
});

describe("prepareBatch", () => {
  it("sends the keys of a one-round batch as array literals, in batch order", () => {
    const a = identity("0190a7a0-0000-7000-8000-000000000001", "a@example.org");
    const b = identity("0190A7A0-0000-7000-8000-000000000002", "b@example.org");
    const batch = prepareBatch([a, b]);
    expect(batch.rounds).toHaveLength(1);
    expect(batch.first).toBe(JSON.stringify([a, b]));
    const [, digests, ids, kinds] = batch.atOnce as [string, string, string, string];
    expect(digests).toMatch(/^\{[0-9a-f]{64}(,[0-9a-f]{64}){3}\}$/);
    expect(ids).toBe(`{${a.id},${a.id},${b.id},${b.id}}`);
    expect(kinds).toBe("{recovery_address,external_id,recovery_address,external_id}");
  });

  it("sends identity ids that are not UUID-shaped as an array (the driver quotes them), never spliced", () => {
    const odd = identity('x","y', "c@example.org");
    const [, , ids] = prepareBatch([odd]).atOnce as [string, string, unknown];
    expect(ids).toEqual([odd.id, odd.id]);
  });

  it("has no one-statement write for a batch that repeats an id or key inside itself", () => {
    const a = identity("0190a7a0-0000-7000-8000-000000000001", "a@example.org");
    const batch = prepareBatch([a, identity("0190a7a0-0000-7000-8000-000000000003", "a@example.org")]);
    expect(batch.rounds).toHaveLength(2);
    expect(batch.atOnce).toBeUndefined();
  });
});
