// The storage conformance suite of the BUILT package (`npm run build` first), run by node's own test runner the
// way a third-party adapter's tests would: `node --test test/smoke/conformance-node-test.mjs`.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import { MemoryStorage } from "idkit";
import { runStorageConformance } from "idkit/testing";

let cases = 0;
let open = 0;
runStorageConformance({
  name: "MemoryStorage (built package, node:test)",
  createAdapter: () => {
    const storage = new MemoryStorage();
    storage.init = async () => {
      open++;
    };
    storage.close = async () => {
      open--;
    };
    return storage;
  },
  describe,
  it: (name, fn) => {
    cases++;
    return it(name, fn);
  },
});
// A suite that registered nothing would pass silently.
assert.ok(cases >= 70, `only ${cases} conformance cases were registered`);

describe("idkit/testing entry", () => {
  it("every adapter the suite opened was closed", () => {
    assert.equal(open, 0);
  });
  it("the CommonJS build exports runStorageConformance too", () => {
    const require = createRequire(import.meta.url);
    assert.equal(typeof require("idkit/testing").runStorageConformance, "function");
  });
});
