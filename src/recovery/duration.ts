const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;

/**
 * Parses a Go duration string (`time.ParseDuration`): an optional sign, then one or more decimal numbers each
 * with a unit (`ns`, `us`/`µs`, `ms`, `s`, `m`, `h`), e.g. `12h`, `1m30s`, `1.5h`, `500ms`; `0` alone is zero.
 * Returns milliseconds, or undefined when the string is not a Go duration.
 */
export function parseGoDuration(input: string): number | undefined {
  let s = input;
  let sign = 1;
  if (s.startsWith("-") || s.startsWith("+")) {
    if (s[0] === "-") sign = -1;
    s = s.slice(1);
  }
  if (s === "0") return 0;
  if (s === "") return undefined;
  let total = 0;
  while (s !== "") {
    const m = PART.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    s = s.slice(m[0].length);
  }
  // Go's Duration is an int64 of nanoseconds: anything longer (about 2562047h47m) does not parse.
  return total <= MAX_GO_DURATION_MS ? sign * total : undefined;
}

/** The longest Go duration, 2^63 - 1 ns, in milliseconds. */
export const MAX_GO_DURATION_MS = 9_223_372_036_854.775;

/** Formats milliseconds the way Go's `time.Duration.String` does (`1h0m0s`, `1m30s`, `500ms`, `-1h0m0s`, `0s`). */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return "0s";
  const sign = ms < 0 ? "-" : "";
  const abs = Math.abs(ms);
  if (abs < 1) return `${sign}${trim(abs * 1000)}µs`;
  if (abs < 1000) return `${sign}${trim(abs)}ms`;
  const h = Math.floor(abs / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const sec = trim((abs % 60_000) / 1000);
  if (h > 0) return `${sign}${h}h${m}m${sec}s`;
  if (m > 0) return `${sign}${m}m${sec}s`;
  return `${sign}${sec}s`;
}

const trim = (x: number) => String(Number(x.toFixed(9)));
