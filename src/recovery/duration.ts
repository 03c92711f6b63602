/**
 * Go's `time.ParseDuration` and `time.Duration.String` (Go `src/time/format.go`, `src/time/time.go`), computed
 * like Go: in integer nanoseconds (an int64), with fractions scaled through a float64 and truncated.
 */

const NS_PER_UNIT: ReadonlyMap<string, bigint> = new Map([
  ["ns", 1n],
  ["us", 1_000n],
  ["µs", 1_000n], // U+00B5 micro sign
  ["μs", 1_000n], // U+03BC Greek small letter mu
  ["ms", 1_000_000n],
  ["s", 1_000_000_000n],
  ["m", 60_000_000_000n],
  ["h", 3_600_000_000_000n],
]);

const TWO_63 = 1n << 63n;

/**
 * The longest duration string parsed (characters): Go's longest meaningful one, `-2562047h47m16.854775807s`, has
 * 25, so a longer input is refused before any work (a 1 MiB body field costs nothing but this length check).
 */
export const MAX_GO_DURATION_LENGTH = 64;
const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";

/**
 * Parses a Go duration string exactly as Go's `time.ParseDuration`: an optional sign, then one or more decimal
 * numbers each followed by a unit (`ns`, `us`/`µs`/`μs`, `ms`, `s`, `m`, `h`), e.g. `12h`, `1m30s`, `1.5h`,
 * `-500ms`; `0` alone is zero. The value is integer nanoseconds, so `0.0000001ns` is 0.
 *
 * @returns the duration in nanoseconds (within Go's int64 range), or undefined when Go would return an error
 *   (bad syntax, unknown unit, overflow beyond 2^63 - 1 ns, about 2562047h47m16.854775807s). Non-strings and
 *   strings longer than {@link MAX_GO_DURATION_LENGTH} (64) characters are undefined (idkit's bound, checked
 *   before parsing; Go has none).
 */
export function parseGoDurationNs(input: unknown): bigint | undefined {
  if (typeof input !== "string" || input.length > MAX_GO_DURATION_LENGTH) return undefined;
  let s = input;
  let negative = false;
  if (s[0] === "-" || s[0] === "+") {
    negative = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") return undefined;
  let total = 0n; // Go's uint64 accumulator
  let i = 0;
  while (i < s.length) {
    if (!(s[i] === "." || isDigit(s[i]))) return undefined;
    // Integer part: Go's leadingInt fails beyond 2^63.
    let whole = 0n;
    const wholeStart = i;
    for (; isDigit(s[i]); i++) {
      whole = whole * 10n + BigInt(s.charCodeAt(i) - 48);
      if (whole > TWO_63) return undefined;
    }
    const hasWhole = i > wholeStart;
    // Fraction: Go's leadingFraction stops accumulating precision instead of failing.
    let fraction = 0n;
    let scale = 1;
    let hasFraction = false;
    if (s[i] === ".") {
      i++;
      let saturated = false;
      for (; isDigit(s[i]); i++) {
        hasFraction = true;
        if (saturated) continue;
        const next = fraction * 10n + BigInt(s.charCodeAt(i) - 48);
        if (fraction > (TWO_63 - 1n) / 10n || next > TWO_63) {
          saturated = true;
          continue;
        }
        fraction = next;
        scale *= 10;
      }
    }
    if (!hasWhole && !hasFraction) return undefined;
    // The unit is everything up to the next digit or dot.
    const unitStart = i;
    while (i < s.length && !(s[i] === "." || isDigit(s[i]))) i++;
    const unit = NS_PER_UNIT.get(s.slice(unitStart, i));
    if (unit === undefined) return undefined;
    if (whole > TWO_63 / unit) return undefined;
    let value = whole * unit;
    if (fraction > 0n) {
      // float64(f) * (float64(unit) / scale), truncated to an integer, as Go does.
      value += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
      if (value > TWO_63) return undefined;
    }
    total = BigInt.asUintN(64, total + value); // uint64 addition wraps in Go
    if (total > TWO_63) return undefined;
  }
  if (negative) return -total;
  return total > TWO_63 - 1n ? undefined : total;
}

/**
 * {@link parseGoDurationNs} in milliseconds (fractional below one millisecond), or undefined when Go would refuse
 * the string.
 */
export function parseGoDuration(input: unknown): number | undefined {
  const ns = parseGoDurationNs(input);
  return ns === undefined ? undefined : Number(ns) / 1e6;
}

/** The longest Go duration, 2^63 - 1 ns, in milliseconds. */
export const MAX_GO_DURATION_MS = 9_223_372_036_854.775;

/**
 * Formats nanoseconds as Go's `time.Duration.String` does: `0s`, `1ns`, `1.5µs`, `500ms`, `1m30s`, `1h0m0s`,
 * `-2m3.4s`. Values beyond the int64 range are clamped to it.
 */
export function formatGoDuration(ns: bigint): string {
  const clamped = ns > TWO_63 - 1n ? TWO_63 - 1n : ns < -TWO_63 ? -TWO_63 : ns;
  if (clamped === 0n) return "0s";
  const sign = clamped < 0n ? "-" : "";
  const abs = clamped < 0n ? -clamped : clamped;
  if (abs < 1_000_000_000n) {
    const [digits, unit] = abs < 1_000n ? [0, "ns"] : abs < 1_000_000n ? [3, "µs"] : ([6, "ms"] as const);
    return `${sign}${withFraction(abs, digits)}${unit}`;
  }
  const seconds = `${withFraction(abs % 60_000_000_000n, 9)}s`;
  const minutes = abs / 60_000_000_000n;
  if (minutes === 0n) return `${sign}${seconds}`;
  const hours = minutes / 60n;
  return hours === 0n ? `${sign}${minutes}m${seconds}` : `${sign}${hours}h${minutes % 60n}m${seconds}`;
}

/** `value / 10^digits` in decimal, without trailing zeros in the fraction (Go's fmtFrac + fmtInt). */
function withFraction(value: bigint, digits: number): string {
  if (digits === 0) return String(value);
  const base = 10n ** BigInt(digits);
  const fraction = String(value % base)
    .padStart(digits, "0")
    .replace(/0+$/, "");
  return fraction === "" ? String(value / base) : `${value / base}.${fraction}`;
}
