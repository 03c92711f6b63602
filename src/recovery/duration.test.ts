import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatGoDuration, parseGoDuration, parseGoDurationNs } from "./duration.js";

const TWO_63 = 2n ** 63n;
const S = 1_000_000_000n;

/**
 * An independent reference model of Go's `time.ParseDuration` (Go `src/time/format.go`), written from its grammar
 * `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` and its documented arithmetic: integer nanoseconds in a uint64 accumulator,
 * errors beyond 2^63 (2^63 - 1 for positive results), fraction digits kept while their value fits in 2^63 and
 * scaled as float64(f) * (float64(unit) / 10^digits), truncated.
 */
function model(input: string): bigint | "error" {
  if (input.length > 64) return "error"; // idkit's length bound, before parsing (Go has none)
  const sign = input[0] === "-" || input[0] === "+" ? input[0] : "";
  const body = input.slice(sign.length);
  if (body === "0") return 0n;
  if (body === "") return "error";
  const units: Record<string, bigint> = { ns: 1n, us: 1000n, µs: 1000n, μs: 1000n, ms: 10n ** 6n, s: S };
  units.m = 60n * S;
  units.h = 3600n * S;
  const part = /(\d*)(?:\.(\d*))?([^\d.]*)/y;
  let total = 0n;
  for (let at = 0; at < body.length; at = part.lastIndex) {
    part.lastIndex = at;
    const [whole = "", int = "", frac, unit = ""] = part.exec(body) ?? [];
    if (whole === "" || (int === "" && !frac)) return "error";
    const scale = Object.hasOwn(units, unit) ? units[unit] : undefined;
    if (scale === undefined) return "error";
    const intValue = BigInt(int || "0");
    if (intValue * scale > TWO_63) return "error";
    let kept = (frac ?? "").length;
    while (kept > 0 && BigInt((frac ?? "").slice(0, kept)) > TWO_63) kept--;
    const f = BigInt((frac ?? "").slice(0, kept) || "0");
    let value = intValue * scale;
    if (f > 0n) value += BigInt(Math.trunc(Number(f) * (Number(scale) / Number(`1e${kept}`))));
    if (value > TWO_63) return "error";
    total = (total + value) % 2n ** 64n;
    if (total > TWO_63) return "error";
  }
  if (sign === "-") return -total;
  return total >= TWO_63 ? "error" : total;
}

const impl = (s: string) => parseGoDurationNs(s) ?? "error";

describe("parseGoDurationNs: Go's time.ParseDuration", () => {
  // Vectors: Go `src/time/time_test.go` (parseDurationTests, parseDurationErrorTests).
  it.each([
    ["0", 0n],
    ["5s", 5n * S],
    ["-5s", -5n * S],
    ["+5s", 5n * S],
    ["-0", 0n],
    ["5.s", 5n * S],
    [".5s", S / 2n],
    ["100.00100s", 100n * S + 1_000_000n],
    ["10ns", 10n],
    ["12µs", 12_000n],
    ["12μs", 12_000n],
    ["10.5s4m", 250n * S + S / 2n],
    ["-2m3.4s", -(123n * S + 400_000_000n)],
    ["1h2m3s4ms5us6ns", 3723n * S + 4_005_006n],
    ["0.3333333333333333333h", 1200n * S],
    ["9007199254740993ns", 9007199254740993n],
    ["9223372036854775807ns", TWO_63 - 1n],
    ["9223372036854775.807us", TWO_63 - 1n],
    ["-9223372036854775808ns", -TWO_63],
    ["-2562047h47m16.854775808s", -TWO_63],
    ["0.100000000000000000000h", 360n * S],
    ["0.830103483285477580700h", 2988n * S + 372539827n],
    // Integer nanoseconds: sub-nanosecond fractions truncate to zero (issue 7, item 7).
    ["0.0000001ns", 0n],
    ["0.9ns", 0n],
    ["999.9us", 999_900n],
  ])("%s = %s ns", (input, ns) => {
    expect(parseGoDurationNs(input)).toBe(ns);
  });

  it.each([
    "",
    "3",
    "-",
    "s",
    ".",
    "-.",
    ".s",
    "+.s",
    "1d",
    "\uFFFD",
    "9223372036854775810ns",
    "9223372036854775808ns",
    "-9223372036854775809ns",
    "9223372036854776us",
    "3000000h",
    "9223372036854775.808us",
    "9223372036854ms775us808ns",
    "1h-2m",
    "1 h",
    "00",
  ])("%j is an error", (input) => {
    expect(parseGoDurationNs(input)).toBeUndefined();
  });

  it("non-strings are errors, never exceptions", () => {
    for (const value of [undefined, null, 1, 1n, {}, [], Symbol("x")])
      expect(parseGoDurationNs(value)).toBeUndefined();
    expect(parseGoDuration("1.5ms")).toBe(1.5);
  });

  it("agrees with the reference model on generated durations (signs, fractions, units, overflow)", () => {
    const digits = fc.oneof(
      fc.stringMatching(/^[0-9]{0,4}$/),
      fc.bigInt(0n, 2n ** 65n).map(String),
      fc.constantFrom(
        "9223372036854775807",
        "9223372036854775808",
        "922337203685477580",
        "0000000000000000000001",
      ),
    );
    const unit = fc.constantFrom("ns", "us", "µs", "μs", "ms", "s", "m", "h", "", "d", "hm", "S", "é", " ");
    const part = fc
      .tuple(
        digits,
        fc.option(fc.oneof(fc.stringMatching(/^[0-9]{0,6}$/), fc.bigInt(0n, 10n ** 25n).map(String))),
        unit,
      )
      .map(([i, f, u]) => `${i}${f === null ? "" : `.${f}`}${u}`);
    const duration = fc
      .tuple(fc.constantFrom("", "-", "+"), fc.array(part, { minLength: 0, maxLength: 4 }))
      .map(([sign, parts]) => sign + parts.join(""));
    fc.assert(
      fc.property(fc.oneof(duration, fc.string({ maxLength: 12 })), (input) => {
        expect(impl(input)).toBe(model(input));
      }),
      { numRuns: 3000 },
    );
  });
});

describe("formatGoDuration: Go's Duration.String", () => {
  it.each([
    [0n, "0s"],
    [1n, "1ns"],
    [1_500n, "1.5µs"],
    [500_000_000n, "500ms"],
    [90n * S, "1m30s"],
    [3600n * S, "1h0m0s"],
    [-(123n * S + 400_000_000n), "-2m3.4s"],
    [TWO_63 - 1n, "2562047h47m16.854775807s"],
    [-TWO_63, "-2562047h47m16.854775808s"],
  ])("%s ns is %s", (ns, text) => {
    expect(formatGoDuration(ns)).toBe(text);
  });

  it("round-trips through parseGoDurationNs over the whole int64 range (Go issue 48629)", () => {
    fc.assert(
      fc.property(fc.bigInt(-TWO_63, TWO_63 - 1n), (ns) => {
        expect(parseGoDurationNs(formatGoDuration(ns))).toBe(ns);
      }),
      { numRuns: 2000 },
    );
  });
});
