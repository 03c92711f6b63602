// `import("idkit")` + `new IdentityManager()` must stay cheap (issue #11, cold start): the packages a manager may
// never need load on first use, not at import or construction. Checks fresh CommonJS and ESM processes, then that
// a first create does load what it needs (the lazy paths work in both builds).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Loaded on first use: the payload schemas, JSON Schema, phone numbers, RE2 patterns, ids and native hashes. */
const LAZY = [
  "zod",
  "ajv",
  "ajv-formats",
  "libphonenumber-js",
  "re2js",
  "uuid",
  "@node-rs/argon2",
  "@node-rs/bcrypt",
];
/**
 * What a first create with a clear-text password needs (the default schema has no pattern, nor phones; a body of
 * the common shape is read without zod).
 */
const FIRST_CREATE = ["ajv", "uuid", "@node-rs/argon2"];
/** What a body outside the common shape (an OIDC link) loads too: the payload schemas. */
const UNCOMMON_CREATE = ["zod"];

const loaded = (files) =>
  LAZY.filter((name) => files.some((f) => f.includes(`/node_modules/${name}/`))).sort();

/** Runs `script` in a fresh process; it prints the module files it has loaded, before and after a first create. */
function run(args, script) {
  const child = spawnSync(process.execPath, [...args, script], {
    encoding: "utf8",
    cwd: fileURLToPath(new URL("../..", import.meta.url)),
  });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout);
}

const body = `{ traits: { email: "lazy@example.org" }, credentials: { password: { config: { password: "a sturdy passphrase 2026" } } } }`;
const uncommon = `{ traits: { email: "oidc@example.org" }, credentials: { oidc: { config: { providers: [{ provider: "github", subject: "1" }] } } } }`;
const cjs = run(
  ["-e"],
  `const { IdentityManager } = require("idkit");
   const idm = new IdentityManager({ hashing: { argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 } } });
   const before = Object.keys(require.cache);
   idm.createIdentity(${body}).then(async () => {
     const after = Object.keys(require.cache);
     await idm.createIdentity(${uncommon});
     console.log(JSON.stringify({ before, after, uncommon: Object.keys(require.cache) }));
   });`,
);
// ESM: a resolve hook (on the loader thread) reports every URL it resolves; createRequire's cache holds what
// the lazy loads required.
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
     const { IdentityManager } = await import("idkit");
     new IdentityManager();
     console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));`,
  ],
  { encoding: "utf8", cwd: fileURLToPath(new URL("../..", import.meta.url)) },
);
assert.equal(esm.status, 0, esm.stderr);
const resolved = esm.stderr.split("\n").map((url) => (url.startsWith("file:") ? fileURLToPath(url) : url));
assert.ok(
  resolved.some((f) => f.endsWith("index.js")),
  "the resolve hook saw nothing",
);

assert.deepEqual(loaded(cjs.before), [], "require('idkit') + new IdentityManager() loaded a lazy package");
assert.deepEqual(loaded(resolved), [], "import('idkit') resolved a lazy package");
assert.deepEqual(
  loaded(JSON.parse(esm.stdout)),
  [],
  "import('idkit') + new IdentityManager() loaded a lazy package",
);
for (const name of FIRST_CREATE) {
  assert.ok(loaded(cjs.after).includes(name), `the first create did not load ${name}`);
}
assert.ok(!loaded(cjs.after).includes("zod"), "a create body of the common shape loaded zod");
for (const name of UNCOMMON_CREATE) {
  assert.ok(loaded(cjs.uncommon).includes(name), `a create outside the common shape did not load ${name}`);
}
console.log(
  `smoke (cold start): import/require("idkit") + new IdentityManager() load none of ${LAZY.join(", ")}; ` +
    `a first create loads ${FIRST_CREATE.join(", ")}; a body outside the common shape loads ${UNCOMMON_CREATE.join(", ")}`,
);
