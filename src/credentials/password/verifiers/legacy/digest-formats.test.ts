import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isIdentityError } from "../../../../errors/index.js";
import type { HashVerifier } from "../../hash-verifier.js";
import { hmacVerifier } from "./hmac.js";
import { md5Verifier } from "./md5.js";
import { applySaltTemplate } from "./salt-template.js";
import { shaVerifier } from "./sha.js";
import { sshaVerifier } from "./ssha.js";

const b64 = (data: string | Buffer) => Buffer.from(data).toString("base64");
const digest = (alg: string, data: string) => createHash(alg).update(data).digest("base64");
const code = (verifier: HashVerifier, hash: string): string => {
  try {
    verifier.validate(hash);
    return "valid";
  } catch (error) {
    return isIdentityError(error) ? error.code : "other";
  }
};
const tpl = (template: string, salt: string, password: string) =>
  applySaltTemplate(Buffer.from(template, "latin1"), Buffer.from(salt), Buffer.from(password)).toString(
    "latin1",
  );

describe("pf= salt templates", () => {
  it("substitutes in one left-to-right pass without re-scanning substituted text", () => {
    expect(tpl("{PASSWORD}{SALT}", "s", "{SALT}")).toBe("{SALT}s");
    expect(tpl("{SALT}{PASSWORD}", "{PASSWORD}", "pw")).toBe("{PASSWORD}pw");
    expect(tpl("{{SALT}}", "s", "p")).toBe("{s}");
    expect(tpl("{SAL{PASSWORD}T}", "s", "p")).toBe("{SALpT}");
  });
  it("copies every other byte literally, including $$, %% and non-UTF-8 bytes", () => {
    expect(tpl("$$%%??{PASSWORD}\xff{SALT}{salt}", "s", "p")).toBe("$$%%??p\xffs{salt}");
    expect(tpl("", "s", "p")).toBe("");
  });
});

describe("md5 / sha / ssha / hmac details", () => {
  it("$md5$ applies the template even when the salt is empty", async () => {
    const hash = `$md5$pf=${b64("x{SALT}{PASSWORD}")}$$${digest("md5", "xpw")}`;
    await expect(md5Verifier.verify("pw", hash)).resolves.toBe(true);
    await expect(md5Verifier.verify("pw", `$md5$${digest("md5", "pw")}`)).resolves.toBe(true);
  });

  it("$sha…$ hashes the substituted template with the named digest", async () => {
    for (const alg of ["sha1", "sha256", "sha512"]) {
      const hash = `$${alg}$pf=${b64("{PASSWORD}:{SALT}")}$${b64("NaCl")}$${digest(alg, "pw:NaCl")}`;
      expect(code(shaVerifier, hash)).toBe("valid");
      await expect(shaVerifier.verify("pw", hash)).resolves.toBe(true);
    }
  });

  it("reports malformed fields and impossible digest lengths as unsupported_hash", () => {
    const salted = `${b64("s")}$${digest("sha1", "x")}`;
    const cases: [HashVerifier, string][] = [
      [shaVerifier, `$sha1$pf=${b64("{PASSWORD}")}$${b64("s")}$${digest("md5", "x")}`], // 16-byte digest for sha1
      [shaVerifier, `$sha1$PF=${b64("{PASSWORD}")}$${salted}`],
      [shaVerifier, `$sha1$pf=${b64("{PASSWORD}")} $${salted}`],
      [shaVerifier, `$sha256$pf=${b64("{PASSWORD}")}$${salted}`], // 20-byte digest for sha256
      [md5Verifier, `$md5$${digest("sha1", "x")}`],
      [md5Verifier, "$md5$CY9rzUYh03PK3k6DJie09g=="], // valid control, see below
      [
        hmacVerifier,
        `$hmac-sha1$${b64(createHmac("sha1", "k").update("pw").digest("hex").toUpperCase())}$${b64("k")}`,
      ],
      [hmacVerifier, `$hmac-sha1$${b64("abc")}$${b64("k")}`],
      [hmacVerifier, `$hmac-sha1$${b64(createHmac("sha1", "k").update("pw").digest("hex"))}$${b64("k")}$`],
      [sshaVerifier, "{SSHA}"],
    ];
    const codes = cases.map(([verifier, hash]) => code(verifier, hash));
    expect(codes).toEqual([
      ...Array(5).fill("unsupported_hash"),
      "valid",
      ...Array(4).fill("unsupported_hash"),
    ]);
  });

  it("hmac compares the lowercase hex text of the MAC, for every algorithm", async () => {
    for (const alg of ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"]) {
      const hash = `$hmac-${alg}$${b64(createHmac(alg, "k").update("pw").digest("hex"))}$${b64("k")}`;
      await expect(hmacVerifier.verify("pw", hash)).resolves.toBe(true);
      await expect(hmacVerifier.verify("pW", hash)).resolves.toBe(false);
    }
  });

  it("verify resolves false, never throws, for odd input", async () => {
    const odd = ["", "$", "$md5$", "$sha1$$$$", "{SSHA}====", "$hmac-md4$$$", "\u0000", "$md5$\u{1F600}"];
    for (const verifier of [md5Verifier, shaVerifier, sshaVerifier, hmacVerifier]) {
      for (const hash of odd) await expect(verifier.verify("\ud800", hash)).resolves.toBe(false);
    }
  });
});
