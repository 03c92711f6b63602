// Loads the built package the way an ESM user does (by its name, through the exports map).
import assert from "node:assert/strict";
import * as idkit from "idkit";

assert.equal(typeof idkit.IdentityError, "function");
assert.equal(typeof idkit.isIdentityError, "function");
const e = new idkit.IdentityError("identity_not_found");
assert.equal(e.status, 404);
assert.equal(idkit.isIdentityError(e, "identity_not_found"), true);
console.log("smoke (import): ok,", Object.keys(idkit).length, "exports");
