// Loads the built package the way an ESM user does (by its name, through the exports map).
import assert from "node:assert/strict";
import * as idkit from "idkit";

assert.equal(typeof idkit.IdentityError, "function");
assert.equal(typeof idkit.isIdentityError, "function");
const e = new idkit.IdentityError("identity_not_found");
assert.equal(e.status, 404);
assert.equal(idkit.isIdentityError(e, "identity_not_found"), true);
// The bundler's rename of a self-referring class (`class _IdentityError`) does not reach users or their logs.
assert.equal(idkit.IdentityError.name, "IdentityError");
assert.match(String(e), /^IdentityError \[identity_not_found\]: /);
// A write runs what loads lazily (ajv for the schema, libphonenumber for the phone format) from the built files.
{
  const idm = new idkit.IdentityManager({ secrets: ["a smoke-test secret of 32 chars!"] });
  const created = await idm.createIdentity({
    schema_id: "preset://email",
    traits: { email: "Smoke@Example.org" },
  });
  assert.equal(created.verifiable_addresses?.[0]?.value, "smoke@example.org");
  await idm.close();
}
console.log("smoke (import): ok,", Object.keys(idkit).length, "exports");

// Declarations match the runtime: for every entry point, every value the .d.ts / .d.cts exports (read with the
// TypeScript compiler, so shared declaration chunks and re-exports count) exists in the ESM and the CJS build, and
// no more.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const require = createRequire(import.meta.url);

function declaredValues(file) {
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  assert.ok(source, `${file} was not read`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  return checker
    .getExportsOfModule(moduleSymbol)
    .filter((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      return (target.flags & ts.SymbolFlags.Value) !== 0;
    })
    .map((symbol) => symbol.getName())
    .sort();
}

for (const [entry, specifier] of [
  ["index", "idkit"],
  ["testing", "idkit/testing"],
  ["postgres", "idkit/postgres"],
  ["http", "idkit/http"],
  ["passwords", "idkit/passwords"],
  ["migrate", "idkit/migrate"],
]) {
  const esm = Object.keys(await import(specifier)).sort();
  const cjs = Object.keys(require(specifier)).sort();
  for (const ext of ["d.ts", "d.cts"]) {
    const file = fileURLToPath(new URL(`../../dist/${entry}.${ext}`, import.meta.url));
    const values = declaredValues(file);
    assert.ok(values.length > 0, `${entry}.${ext}: no value exports found`);
    assert.deepEqual(values, esm, `${entry}.${ext}: value exports differ from the ESM build`);
    assert.deepEqual(values, cjs, `${entry}.${ext}: value exports differ from the CJS build`);
  }
  console.log(
    `smoke (declarations): ${specifier}: ${esm.length} value exports, the same in .d.ts, .d.cts, ESM and CJS`,
  );
}
await import("./light-entry.mjs");
await import("./lazy-main-entry.mjs");
await import("./vendor-hashes.mjs");
