// Loads the built package the way an ESM user does (by its name, through the exports map).
import assert from "node:assert/strict";
import * as idkit from "idkit";

assert.equal(typeof idkit.IdentityError, "function");
assert.equal(typeof idkit.isIdentityError, "function");
const e = new idkit.IdentityError("identity_not_found");
assert.equal(e.status, 404);
assert.equal(idkit.isIdentityError(e, "identity_not_found"), true);
console.log("smoke (import): ok,", Object.keys(idkit).length, "exports");

// Declarations match the runtime: every value the .d.ts exports exists in the ESM and the CJS build, and no more.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const cjs = require("idkit");
for (const file of ["index.d.ts", "index.d.cts"]) {
  const dts = readFileSync(new URL(`../../dist/${file}`, import.meta.url), "utf8");
  const blocks = [...dts.matchAll(/^export \{([^}]*)\};?$/gm)].map((m) => m[1]);
  const values = blocks
    .flatMap((b) => b.split(","))
    .map((s) => s.trim())
    .filter((s) => s !== "" && !s.startsWith("type "))
    .map((s) => s.split(/\s+as\s+/).pop());
  assert.deepEqual(
    [...values].sort(),
    Object.keys(idkit).sort(),
    `${file}: value exports differ from the ESM build`,
  );
  assert.deepEqual(
    [...values].sort(),
    Object.keys(cjs).sort(),
    `${file}: value exports differ from the CJS build`,
  );
}
console.log("smoke (declarations): every value export of the .d.ts exists in the ESM and CJS builds");
