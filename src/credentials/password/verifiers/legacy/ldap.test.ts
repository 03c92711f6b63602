import { describe, expect, it } from "vitest";
import { isIdentityError } from "../../../../errors/index.js";
import type { HashVerifier } from "../../hash-verifier.js";
import { LEGACY_VERIFIERS } from "./index.js";

/** passlib's UPASS_TABLE (tests/test_handlers.py): checks that passwords are hashed as UTF-8. */
const UPASS_TABLE = "t\u00e1\u0411\u2113\u0259";

// passlib tests/test_handlers.py known_correct_hashes (ThirVondukr/passlib @ 7061d86): ldap_md5, ldap_sha1,
// ldap_salted_md5, ldap_salted_sha1, ldap_salted_sha256, ldap_salted_sha512.
const KNOWN: [string, string, string][] = [
  ["ldap-md5", "helloworld", "{MD5}/F4DjTilcDIIVEHn/nAQsA=="],
  ["ldap-md5", UPASS_TABLE, "{MD5}BUc/ihn2aBXnN7MyZKDQsA=="],
  ["ldap-sha", "helloworld", "{SHA}at+xg6SiyUovktq1redipHiJpaE="],
  ["ldap-sha", UPASS_TABLE, "{SHA}4FmyYo46Pi3glWed6YIsHRRm4PA="],
  ["ldap-smd5", "testing1234", "{SMD5}UjFY34os/pnZQ3oQOzjqGu4yeXE="],
  ["ldap-smd5", UPASS_TABLE, "{SMD5}Z0ioJ58LlzUeRxm3K6JPGAvBGIM="],
  ["ldap-smd5", "test", "{SMD5}LnuZPJhiaY95/4lmVFpg548xBsD4P4cw"],
  ["ldap-smd5", "test", "{SMD5}XRlncfRzvGi0FDzgR98tUgBg7B3jXOs9p9S615qTkg=="],
  ["ldap-smd5", "test", "{SMD5}FbAkzOMOxRbMp6Nn4hnZuel9j9Gas7a2lvI+x5hT6j0="],
  ["ssha", "testing123", "{SSHA}0c0blFTXXNuAMHECS4uxrj3ZieMoWImr"],
  ["ssha", UPASS_TABLE, "{SSHA}3yCSD1nLZXznra4N8XzZgAL+s1sQYsx5"],
  ["ssha", "test", "{SSHA}Pfx6Vf48AT9x3FVv8znbo8WQkEVSipHSWovxXmvNWUvp/d/7"],
  ["ssha", "password", "{SSHA256}x1tymSTVjozxQ2PtT46ysrzhZxbcskK0o2f8hEFx7fAQQmhtDSEkJA=="],
  [
    "ssha",
    "toomanysecrets",
    "{SSHA512}wExp4xjiCHS0zidJDC4UJq9EEeIebAQPJ1PWSwfhxWjfutI9XiiKuHm2AE41cEFfK+8HyI8bh+ztbczUGsvVFIgICWWPt7qu",
  ],
];

const dispatched = (hash: string): string[] =>
  LEGACY_VERIFIERS.filter((v) => v.matches(hash)).map((v) => v.id);
const byId = (id: string): HashVerifier => LEGACY_VERIFIERS.find((v) => v.id === id)!;
const code = (id: string, hash: string): string => {
  try {
    byId(id).validate(hash);
    return "valid";
  } catch (error) {
    return isIdentityError(error) ? error.code : "other";
  }
};

describe("RFC 2307 LDAP schemes", () => {
  it("passlib's known-correct hashes verify, each dispatched to exactly one verifier", async () => {
    for (const [id, password, hash] of KNOWN) {
      expect({ hash, ids: dispatched(hash) }).toEqual({ hash, ids: [id] });
      expect(code(id, hash)).toBe("valid");
      await expect(byId(id).verify(password, hash)).resolves.toBe(true);
      await expect(byId(id).verify(`${password}!`, hash)).resolves.toBe(false);
    }
  });

  it("look-alike tags dispatch unambiguously", () => {
    const tags = ["{SSHA}", "{SSHA256}", "{SSHA512}", "{SMD5}", "{MD5}", "{SHA}"];
    expect(tags.map((t) => dispatched(`${t}AAAA`))).toEqual([
      ["ssha"],
      ["ssha"],
      ["ssha"],
      ["ldap-smd5"],
      ["ldap-md5"],
      ["ldap-sha"],
    ]);
    for (const foreign of [
      "{SHA256}AAAA",
      "{ssha}AAAA",
      "{SSHA384}AAAA",
      "{CRYPT}$1$x$y",
      "{SSHAnotExistent}AA",
      "{MD5",
    ]) {
      expect({ foreign, ids: dispatched(foreign) }).toEqual({ foreign, ids: [] });
    }
  });

  it("rejects malformed LDAP values (passlib's known-malformed base64, wrong lengths, missing salt)", () => {
    const malformed: [string, string][] = [
      ["ldap-smd5", "{SMD5}LnuZPJhiaY95/4lmVFpg548xBsD4P4c"],
      ["ldap-smd5", "{SMD5}LnuZPJhiaY95/4lmVFpg548xBsD4P4cw{SMD5}LnuZPJhiaY95/4lmVFpg548xBsD4P4cw="],
      ["ldap-smd5", "{SMD5}LnuZPJhiaY95/4lmV=pg548xBsD4P4cw"],
      ["ldap-smd5", "{SMD5}LnuZPJhiaY95/4lmVFpg548xBsD4P==="],
      ["ldap-smd5", "{SMD5}/F4DjTilcDIIVEHn/nAQsA=="], // 16 bytes: no salt
      ["ldap-md5", "{MD5}/F4DjTilcDIIVEHn/nAQ"], // unpadded
      ["ldap-md5", "{MD5}at+xg6SiyUovktq1redipHiJpaE="], // 20 bytes
      ["ldap-sha", "{SHA}/F4DjTilcDIIVEHn/nAQsA=="], // 16 bytes
      ["ssha", "{SSHA}P90+qijSp8MJ1tN25j5o1PflUvlqjXHOGeOck"],
      ["ssha", "{SSHA}P90+qijSp8MJ1tN25j5o1Pf=UvlqjXHOGeOckw=="],
      ["ssha", "{SSHA}at+xg6SiyUovktq1redipHiJpaE="], // 20 bytes: no salt
    ];
    for (const [id, hash] of malformed)
      expect({ hash, code: code(id, hash) }).toEqual({ hash, code: "unsupported_hash" });
  });

  it("ignores non-zero trailing base64 bits, as Kratos's {SSHA} decoder does", async () => {
    // "…sB==" and "…sA==" decode to the same bytes with the lenient decoder.
    await expect(byId("ldap-md5").verify("helloworld", "{MD5}/F4DjTilcDIIVEHn/nAQsB==")).resolves.toBe(true);
  });
});
