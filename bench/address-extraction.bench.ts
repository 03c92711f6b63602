/**
 * The address work of one identity with an e-mail trait (idkit issue 9): what `validateTraits` spends on the
 * address for a `preset://email` identity (the richest built-in: password and webauthn identifier, code address,
 * verification and recovery), without the rest of the schema validation. Per identity:
 *
 * - the `email` format check ajv runs on the trait (`isEmailFormat`, as registered in src/schema/formats.ts);
 * - `extractFromHits` over the hit that validation reports (no stored addresses, as on create).
 *
 * Each side cycles through 1,000 distinct addresses, so nothing is reused across identities, only within one.
 *
 * - `ascii_us`, `non_ascii_us`: µs per identity for `Ada.Lovelace<n>@Example.org` (mixed-case ASCII) and
 *   `Jürgen.Müller<n>@example.org` (non-ASCII local part: NFKC, Bidi Rule and FreeformClass run).
 * - `ascii_ratio`, `non_ascii_ratio` (+ `…cpu_ratio`): ÷ the reference, `value.toLowerCase()` plus a simple
 *   `^[^\s@]+@[^\s@]+\.[^\s@]+$` test of the same values, timed in the same run (`ref_us`).
 * - `noise_aa_ratio` (control): the reference against itself.
 *
 * Not registered in bench/index.ts yet; run alone with `npx tsx bench/address-extraction.bench.ts`.
 */
import { extractFromHits } from "../src/addresses/extract.js";
import { isEmailFormat } from "../src/addresses/formats.js";
import type { ExtensionHit } from "../src/identity/extension.js";
import { SchemaRegistry } from "../src/schema/schema-registry.js";
import { check, compare, round } from "./util.js";

const COUNT = 1000;
const NONE = { verifiable: [], recovery: [] } as const;
const SIMPLE_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface Sample {
  value: string;
  hits: readonly ExtensionHit[];
}

function samples(make: (n: number) => string): Sample[] {
  const schema = new SchemaRegistry().require("preset://email");
  return Array.from({ length: COUNT }, (_, n) => {
    const value = make(n);
    const result = schema.validate({ traits: { email: value } });
    check(result.issues.length === 0, `${value} must be valid`);
    check(result.hits.length === 1, "one hit per identity");
    return { value, hits: result.hits };
  });
}

/** The address work of one identity, cycling through `list`. */
function addressWork(list: Sample[]): () => unknown {
  let i = 0;
  return () => {
    const s = list[i++ % COUNT] as Sample;
    if (!isEmailFormat(s.value)) throw new Error("format");
    return extractFromHits(s.hits, NONE);
  };
}

function reference(list: Sample[]): () => unknown {
  let i = 0;
  return () => {
    const v = (list[i++ % COUNT] as Sample).value;
    if (!SIMPLE_EMAIL.test(v)) throw new Error("format");
    return v.toLowerCase();
  };
}

function checkExtraction(s: Sample): void {
  const x = extractFromHits(s.hits, NONE);
  const lower = s.value.toLowerCase();
  check(x.issues.length === 0, "no issues");
  check(x.identifiers.password?.[0] === lower, "password identifier");
  check(x.codeAddresses?.[0]?.address === lower, "code address");
  check(x.verifiableAddresses[0]?.value === lower, "verifiable address");
  check(x.recoveryAddresses[0]?.value === lower, "recovery address");
}

export async function addressExtractionBenchmark(): Promise<Record<string, number>> {
  const ascii = samples((n) => `Ada.Lovelace${n}@Example.org`);
  const nonAscii = samples((n) => `Jürgen.Müller${n}@example.org`);
  checkExtraction(ascii[0] as Sample);
  checkExtraction(nonAscii[0] as Sample);
  const opts = { rounds: 21, calls: 5000, warmup: 20000 };
  const a = await compare(
    { run: addressWork(ascii), sync: true },
    { run: reference(ascii), sync: true },
    opts,
  );
  const n = await compare(
    { run: addressWork(nonAscii), sync: true },
    { run: reference(nonAscii), sync: true },
    opts,
  );
  const aa = await compare(
    { run: reference(ascii), sync: true },
    { run: reference(ascii), sync: true },
    { rounds: 11, calls: 5000 },
  );
  return {
    ascii_us: round(a.aMs * 1000, 2),
    ascii_ratio: round(a.ratio, 1),
    ascii_cpu_ratio: round(a.cpuRatio, 1),
    non_ascii_us: round(n.aMs * 1000, 2),
    non_ascii_ratio: round(n.ratio, 1),
    non_ascii_cpu_ratio: round(n.cpuRatio, 1),
    ref_us: round(a.bMs * 1000, 3),
    noise_aa_ratio: round(aa.ratio),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await addressExtractionBenchmark();
  console.log(JSON.stringify({ bench: "address_extraction", node: process.version, ...figures }));
}
