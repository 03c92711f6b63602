// Loads the built package the way a CommonJS user does, and checks the error brand works across both copies.
const assert = require("node:assert/strict");
const idkit = require("idkit");

assert.equal(typeof idkit.IdentityError, "function");
const e = new idkit.IdentityError("identity_conflict");
assert.equal(e.status, 409);
assert.equal(idkit.IdentityError.name, "IdentityError");
assert.deepEqual(Object.keys(e.toJSON().error).sort(), ["code", "id", "message", "status"]);
// A write runs what loads lazily (ajv for the schema) from the built CommonJS files.
void new idkit.IdentityManager({ secrets: ["a smoke-test secret of 32 chars!"] })
  .createIdentity({ schema_id: "preset://email", traits: { email: "cjs@example.org" } })
  .then((created) => assert.equal(created.traits.email, "cjs@example.org"));
void import("idkit").then((esm) => {
  assert.notEqual(esm.IdentityError, idkit.IdentityError, "ESM and CJS copies are distinct");
  assert.equal(esm.isIdentityError(e, "identity_conflict"), true, "brand works across copies");
  console.log("smoke (require): ok,", Object.keys(idkit).length, "exports");
});
