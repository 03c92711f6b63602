// The vendor hash formats whose work runs in the crypt worker pool (phpass, Symfony's SHA-512, PBKDF2-MD4) and
// the bcrypt variants verify from the BUILT bundles, ESM and CJS: the worker's source is serialised from the
// bundled functions, so a bundler's rewrite of them would only show here. Published vectors (passlib).
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { verifyPassword } from "idkit/passwords";

const cjs = createRequire(import.meta.url)("idkit/passwords");
const raw = (bytes) => bytes.toString("base64").replace(/=+$/, "");
const md4Key = Buffer.from(
  "fb0618184744c5ae3c685e5c1f592aff4dbb1432d08bf7d77584a7fbcafffbb7b7efcdfdfc6e4398",
  "hex",
);
const CASES = [
  ["test12345", "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0"],
  ["test1", "$H$9aaaaaSXBjgypwqm.JsMssPLiS8YQ00"],
  ["password", `$pbkdf2-md4$i=1000,l=40$${raw(Buffer.from("salt"))}$${raw(md4Key)}`],
  ["l\u00e8tmein", "bcrypt_sha256$$2a$08$NDjSAIcas.EcoxCRiArvT.MkNiPYVhrsrnJsRkLueZOoV1bsQqlmC"],
];
for (const [password, hash] of CASES) {
  for (const [build, verify] of [
    ["ESM", verifyPassword],
    ["CJS", cjs.verifyPassword],
  ]) {
    assert.equal(await verify(password, hash), true, `${build}: ${hash}`);
    assert.equal(await verify(`${password}x`, hash), false, `${build}: ${hash} with a wrong password`);
  }
}
console.log(
  `smoke (vendor hashes): ${CASES.length} worker and bcrypt-variant formats verify from the ESM and CJS builds`,
);
