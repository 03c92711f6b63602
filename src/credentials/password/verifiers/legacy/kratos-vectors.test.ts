import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isIdentityError } from "../../../../errors/index.js";
import type { HashVerifier } from "../../hash-verifier.js";
import { LEGACY_VERIFIERS } from "./index.js";

// Kratos's own assertions (ory/kratos b86338da, hash/hasher_test.go etc.); see test/fixtures/legacy-hashes/README.md.
interface Vector {
  format: string;
  password: string;
  hash: string;
  match: boolean;
  test: string;
  failure_kind?: string;
}
interface ImportValidation {
  format: string;
  hash: string;
  valid: boolean;
}
const fixture = JSON.parse(
  readFileSync(
    new URL("../../../../../test/fixtures/legacy-hashes/kratos-legacy-vectors.json", import.meta.url),
    "utf8",
  ),
) as { vectors: Vector[]; import_validation: ImportValidation[] };

const byId = (id: string): HashVerifier => LEGACY_VERIFIERS.find((v) => v.id === id)!;
const dispatch = (hash: string): HashVerifier | undefined => LEGACY_VERIFIERS.find((v) => v.matches(hash));
const validity = (verifier: HashVerifier, hash: string): string => {
  try {
    verifier.validate(hash);
    return "valid";
  } catch (error) {
    return isIdentityError(error) ? error.code : "threw a non-IdentityError";
  }
};

const FORMATS = ["md5crypt", "sha256crypt", "sha512crypt", "ssha", "sha", "md5", "hmac"] as const;

describe("Kratos legacy vectors", () => {
  it("the fixture holds every legacy format", () => {
    for (const format of FORMATS) expect(fixture.vectors.some((v) => v.format === format)).toBe(true);
  });

  for (const format of FORMATS) {
    it(`${format}: verify gives Kratos's result for every vector`, async () => {
      const vectors = fixture.vectors.filter((v) => v.format === format);
      const results = await Promise.all(
        vectors.map(async (v) => ({
          hash: v.hash,
          dispatchedTo: dispatch(v.hash)?.id,
          match: await byId(format).verify(v.password, v.hash),
        })),
      );
      expect(results).toEqual(
        vectors.map((v) => ({
          hash: v.hash,
          // Kratos's test calls CompareSSHA directly with `{SSHAnotExistent}`; its Compare would not dispatch it.
          dispatchedTo: v.hash.startsWith("{SSHAnotExistent}") ? undefined : format,
          match: v.match,
        })),
      );
    });
  }

  it("validate accepts every matching vector and rejects every malformed one", () => {
    for (const v of fixture.vectors.filter((x) => FORMATS.includes(x.format as (typeof FORMATS)[number]))) {
      const expected = v.match ? "valid" : v.failure_kind === "malformed" ? "unsupported_hash" : undefined;
      if (expected !== undefined)
        expect({ hash: v.hash, got: validity(byId(v.format), v.hash) }).toEqual({
          hash: v.hash,
          got: expected,
        });
    }
  });

  it("validate is stricter than Kratos for hashes that parse there but can never match", () => {
    // Kratos decodes these and then fails the comparison (failure_kind: mismatch); idkit refuses them on import.
    expect(validity(byId("md5crypt"), "$md5-crypt$$")).toBe("unsupported_hash"); // empty checksum
    expect(validity(byId("hmac"), "$hmac-md5$$MTIzNDU=")).toBe("unsupported_hash"); // empty MAC
    expect(validity(byId("hmac"), "$hmac-md5$ZmU4Njk3Zjc0MmQwODA0MDVkMTI3MGU2MTYzMzE2Zjk=$")).toBe("valid"); // empty key is fine
  });

  it("import_validation entries give Kratos's validity", () => {
    expect(fixture.import_validation.length).toBeGreaterThan(0);
    for (const v of fixture.import_validation) {
      expect({ hash: v.hash, got: validity(byId(v.format), v.hash) }).toEqual({
        hash: v.hash,
        got: v.valid ? "valid" : "unsupported_hash",
      });
    }
  });

  it("unknown-algorithm look-alikes are not dispatched", () => {
    const unknown = fixture.vectors.filter((v) => v.format === "unknown" && !v.hash.startsWith("$5$"));
    expect(unknown.map((v) => v.hash)).toHaveLength(3);
    for (const v of unknown)
      expect({ hash: v.hash, id: dispatch(v.hash)?.id }).toEqual({ hash: v.hash, id: undefined });
  });

  it("DELIBERATE DEVIATION: a bare $5$ hash is SHA-256-crypt for idkit, an unknown algorithm for Kratos", async () => {
    // Kratos (TestCompare/sha512-crypt) expects "unknown hash algorithm" for the stock prefix; idkit accepts the
    // stock $1$/$5$/$6$ prefixes, which every crypt(3) system writes. Same hash as Kratos's `ory` vector.
    const v = fixture.vectors.find((x) => x.format === "unknown" && x.hash.startsWith("$5$"))!;
    expect(v.match).toBe(false);
    const verifier = dispatch(v.hash);
    expect(verifier?.id).toBe("sha256crypt-mcf");
    expect(validity(verifier!, v.hash)).toBe("valid");
    await expect(verifier!.verify(v.password, v.hash)).resolves.toBe(false); // "test": wrong password
    await expect(verifier!.verify("ory", v.hash)).resolves.toBe(true); // Kratos: unknown algorithm
  });
});
