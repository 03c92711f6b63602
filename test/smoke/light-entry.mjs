// idkit/passwords must not load the schema machinery. Checks the built bundle (dist/passwords.{js,cjs} and every
// chunk they import, followed recursively) and fresh processes that import or require the entry.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const HEAVY = ["ajv", "ajv-formats", "zod", "libphonenumber-js"];
const dist = fileURLToPath(new URL("../../dist/", import.meta.url));
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\(\s*)["']([^"']+)["']/g;

/** Bare specifiers reachable from `file` through relative imports. */
function bareImports(file, seen = new Set(), bare = new Set()) {
  if (seen.has(file)) return bare;
  seen.add(file);
  for (const [, spec] of readFileSync(file, "utf8").matchAll(SPECIFIER)) {
    if (spec.startsWith(".")) bareImports(resolve(dirname(file), spec), seen, bare);
    else bare.add(spec);
  }
  return bare;
}

const packageOf = (spec) =>
  spec
    .split("/")
    .slice(0, spec.startsWith("@") ? 2 : 1)
    .join("/");

for (const file of ["passwords.js", "passwords.cjs"]) {
  const packages = [...bareImports(resolve(dist, file))].map(packageOf);
  for (const heavy of HEAVY) assert.ok(!packages.includes(heavy), `dist/${file} reaches ${heavy}`);
  assert.ok(packages.includes("@node-rs/argon2"), `dist/${file}: the import scan found no hasher`);
}

const inNodeModules = (names) => names.filter((n) => HEAVY.some((h) => n.includes(`/node_modules/${h}/`)));

// A fresh CommonJS process: every module it loaded is in require.cache.
const cjs = execFileSync(
  process.execPath,
  ["-e", `require("idkit/passwords"); console.log(JSON.stringify(Object.keys(require.cache)))`],
  { encoding: "utf8" },
);
assert.deepEqual(inNodeModules(JSON.parse(cjs)), [], "require('idkit/passwords') loaded a heavy package");

// A fresh ESM process: a resolve hook (on the loader thread) prints every URL it resolves to stderr.
const hook = `data:text/javascript,${encodeURIComponent(
  `import { writeSync } from "node:fs";
   export async function resolve(s, c, next) { const r = await next(s, c); writeSync(2, r.url + "\\n"); return r; }`,
)}`;
const esm = spawnSync(
  process.execPath,
  [
    "--input-type=module",
    "-e",
    `import { register, createRequire } from "node:module"; register(${JSON.stringify(hook)});
     const m = await import("idkit/passwords"); if (typeof m.verifyPassword !== "function") process.exit(1);
     console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));`,
  ],
  { encoding: "utf8" },
);
assert.equal(esm.status, 0, esm.stderr);
const resolved = esm.stderr.split("\n").map((url) => (url.startsWith("file:") ? fileURLToPath(url) : url));
assert.ok(
  resolved.some((f) => f.endsWith("passwords.js")),
  "the resolve hook saw nothing",
);
assert.deepEqual(inNodeModules(resolved), [], "import('idkit/passwords') resolved a heavy package");
assert.deepEqual(
  inNodeModules(JSON.parse(esm.stdout)),
  [],
  "import('idkit/passwords') loaded a heavy package",
);
console.log(
  `smoke (light entry): idkit/passwords loads none of ${HEAVY.join(", ")} (bundle scan, require, import)`,
);
