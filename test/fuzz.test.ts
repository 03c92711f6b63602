// Bounded sample of the fuzz run (`npm run fuzz` runs a million inputs): any value, as any argument of any public
// method, gives an IdentityError or a result, writes nothing when rejected, and pollutes no prototype.
import { describe, expect, it } from "vitest";
import { fuzz } from "./fuzz/harness.js";
import { TARGETS } from "./fuzz/targets.js";

const RUNS = Number(process.env.IDKIT_FUZZ_RUNS ?? 150);

describe("fuzz: every public method under arbitrary and hostile input", () => {
  for (const target of TARGETS) {
    it(target.name, async () => {
      const report = await fuzz([target], RUNS);
      expect(report.failures).toEqual([]);
      expect(report.runs).toBe(RUNS);
    });
  }
});
