import { describe, expect, it } from "vitest";
import { manager, rejection } from "./helpers.js";

async function seeded(n: number) {
  const idm = manager();
  const { identities } = await idm.batchPatchIdentities({
    identities: Array.from({ length: n }, (_, i) => ({
      create: { traits: { email: `user${i}@example.org` } },
    })),
  });
  return { idm, ids: identities.map((i) => (i as { identity: string }).identity).sort() };
}

describe("listIdentities", () => {
  it("pages by id with a token until the last page, which has none", async () => {
    const { idm, ids } = await seeded(7);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await idm.listIdentities({ pageSize: 3, ...(token ? { pageToken: token } : {}) });
      seen.push(...page.identities.map((i) => i.id));
      token = page.nextPageToken;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
  });

  it("defaults to 250, clamps to 500, treats <= 0 as the default", async () => {
    const { idm } = await seeded(260);
    expect((await idm.listIdentities()).identities).toHaveLength(250);
    expect((await idm.listIdentities({ pageSize: 0 })).identities).toHaveLength(250);
    expect((await idm.listIdentities({ pageSize: 10_000 })).identities).toHaveLength(260);
  });

  it("omits credentials by default and includes addresses and metadata_admin", async () => {
    const { idm } = await seeded(1);
    const [identity] = (await idm.listIdentities()).identities;
    expect(identity).not.toHaveProperty("credentials");
    expect(identity?.verifiable_addresses).toHaveLength(1);
    expect(identity).toHaveProperty("metadata_admin", null);
  });

  it("filters by ids and by credentials identifier (normalised), and the filters combine", async () => {
    const { idm, ids } = await seeded(5);
    const byIds = await idm.listIdentities({
      ids: [ids[1] as string, ids[3] as string, "00000000-0000-4000-8000-000000000000"],
    });
    expect(byIds.identities.map((i) => i.id)).toEqual([ids[1], ids[3]]);
    const byIdentifier = await idm.listIdentities({ credentialsIdentifier: "  USER2@example.org " });
    expect(byIdentifier.identities).toHaveLength(1);
    expect(byIdentifier.identities[0]?.traits).toEqual({ email: "user2@example.org" });
    expect(byIdentifier.identities[0]?.credentials?.password?.identifiers).toEqual(["user2@example.org"]);
    const target = byIdentifier.identities[0]?.id as string;
    const both = await idm.listIdentities({ credentialsIdentifier: "user2@example.org", ids: [target] });
    expect(both.identities.map((i) => i.id)).toEqual([target]);
    const neither = await idm.listIdentities({
      credentialsIdentifier: "user2@example.org",
      ids: ids.filter((x) => x !== target),
    });
    expect(neither.identities).toEqual([]);
  });

  it("oidc identifiers are matched case-sensitively", async () => {
    const idm = manager();
    await idm.createIdentity({
      traits: { email: "o@example.org" },
      credentials: { oidc: { config: { providers: [{ provider: "github", subject: "AbC" }] } } },
    });
    expect((await idm.listIdentities({ credentialsIdentifier: "github:AbC" })).identities).toHaveLength(1);
    expect((await idm.listIdentities({ credentialsIdentifier: "github:abc" })).identities).toHaveLength(0);
  });

  it("rejects a crafted page token, bad ids and too many ids", async () => {
    const idm = manager();
    expect((await rejection(idm.listIdentities({ pageToken: "nope" }))).code).toBe("invalid_page_token");
    expect((await rejection(idm.listIdentities({ ids: ["x"] }))).issues[0]?.message).toBe(
      "Invalid UUID value `x` for parameter `ids`.",
    );
    const tooMany = Array.from({ length: 501 }, () => "00000000-0000-4000-8000-000000000000");
    expect((await rejection(idm.listIdentities({ ids: tooMany }))).issues[0]?.message).toBe(
      "The number of ids to filter must not exceed 500.",
    );
    expect((await rejection(idm.listIdentities({ includeCredentials: ["nope" as never] }))).code).toBe(
      "validation_failed",
    );
  });
});
