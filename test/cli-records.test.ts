// The CLI's streaming readers: NDJSON (bounded lines), JSON arrays (top level or under a member), CSV.
import { createWriteStream, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitLines } from "../src/cli/lines.js";
import { type InputRecord, readRecords, sniffFormat } from "../src/cli/records.js";
import { tempDir } from "./cli-helpers.js";

async function collect(path: string, options: Parameters<typeof readRecords>[1]): Promise<InputRecord[]> {
  const out: InputRecord[] = [];
  for await (const r of readRecords(path, options)) out.push(r);
  return out;
}

const dir = tempDir();
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe("CLI record readers", () => {
  it("NDJSON: positions count records, lines count lines; BOM, CRLF, blank lines; broken, oversized and non-UTF-8 lines fail alone", async () => {
    const path = file(
      "a.ndjson",
      Buffer.concat([
        Buffer.from('\uFEFF{"a":1}\r\n\n{"a":2\n'),
        Buffer.from(`{"big":"${"x".repeat(2000)}"}\n`),
        Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d, 0x0a]),
        Buffer.from('{"a":3}'),
      ]),
    );
    const records = await collect(path, { format: "ndjson", maxRecordBytes: 1024 });
    expect(records.map((r) => [r.position, r.line, r.value ?? r.problem?.code])).toEqual([
      [1, 1, { a: 1 }],
      [2, 3, "invalid_json"],
      [3, 4, "record_too_large"],
      [4, 5, "invalid_utf8"],
      [5, 6, { a: 3 }],
    ]);
  });

  it("JSON: a top-level array, or the array under a member (Firebase's and Keycloak's users)", async () => {
    const top = file("top.json", '[{"id":1},{"id":2}]');
    expect(
      (await collect(top, { format: "json", maxRecordBytes: 1024 })).map((r) => [r.position, r.value]),
    ).toEqual([
      [1, { id: 1 }],
      [2, { id: 2 }],
    ]);
    const nested = file(
      "firebase.json",
      '{"users":[{"localId":"a"},{"localId":"b","x":[1,{"y":2}]}],"other":[9]}',
    );
    const records = await collect(nested, { format: "json", recordsPath: "users", maxRecordBytes: 1024 });
    expect(records.map((r) => r.value)).toEqual([{ localId: "a" }, { localId: "b", x: [1, { y: 2 }] }]);
    const broken = file("broken.json", '[{"id":1},{"id":');
    await expect(collect(broken, { format: "json", maxRecordBytes: 1024 })).rejects.toThrow();
  });

  it("CSV: rows keyed by the header, quoted multi-line fields, a row of the wrong width fails alone", async () => {
    const path = file(
      "c.csv",
      '\uFEFFid,email,note\n1,a@example.org,"two\nlines"\n2,b@example.org\n3,c@example.org,"x, y"\n',
    );
    const records = await collect(path, { format: "csv", maxRecordBytes: 1024 });
    expect(records.map((r) => [r.position, r.line, r.value ?? r.problem?.code])).toEqual([
      [1, 3, { id: "1", email: "a@example.org", note: "two\nlines" }],
      [2, 4, "invalid_csv_row"],
      [3, 5, { id: "3", email: "c@example.org", note: "x, y" }],
    ]);
  });

  it("the format comes from the extension, else the first byte", async () => {
    expect(await sniffFormat(file("x.jsonl", "{}"), undefined)).toBe("ndjson");
    expect(await sniffFormat(file("x.csv", "a,b"), undefined)).toBe("csv");
    expect(await sniffFormat(file("x.json", '  [{"a":1}]'), undefined)).toBe("json");
    expect(await sniffFormat(file("y.json", '{"a":1}\n{"a":2}'), undefined)).toBe("ndjson");
    expect(await sniffFormat(file("z.json", '{"users":[]}'), "users")).toBe("json");
  });

  it("splitLines gives the lines of any chunking of the same bytes (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.string({ unit: "grapheme", maxLength: 20 }).filter((s) => !s.includes("\n")),
          { maxLength: 8 },
        ),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }),
        async (lines, cuts) => {
          const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(""));
          const chunks: Buffer[] = [];
          let at = 0;
          for (let i = 0; at < bytes.length; i++) {
            const n = cuts[i % cuts.length] as number;
            chunks.push(bytes.subarray(at, at + n));
            at += n;
          }
          const got: string[] = [];
          for await (const line of splitLines(
            (async function* () {
              yield* chunks;
            })(),
            1024,
          ))
            got.push(line.text ?? `!${line.problem?.code}`);
          const expected = lines.map((l, i) => (i === 0 ? l.replace(/^\uFEFF/, "") : l).replace(/\r$/, ""));
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("a 100,000-line NDJSON file streams in bounded memory", { timeout: 120_000 }, async () => {
    const path = join(dir, "big.ndjson");
    const out = createWriteStream(path);
    for (let i = 0; i < 100_000; i++) {
      const line = `${JSON.stringify({ traits: { email: `user${i}@example.org` }, external_id: `e${i}`, pad: "p".repeat(100) })}\n`;
      if (!out.write(line)) await new Promise<void>((r) => out.once("drain", () => r()));
    }
    await new Promise<void>((r) => out.end(() => r()));
    globalThis.gc?.();
    const before = process.memoryUsage().heapUsed;
    let count = 0;
    let peak = 0;
    for await (const record of readRecords(path, { format: "ndjson", maxRecordBytes: 1 << 20 })) {
      if (record.value !== undefined) count++;
      if (count % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - before);
    }
    expect(count).toBe(100_000);
    // The file is ~17 MB; holding it, or its records, would exceed this by far.
    expect(peak).toBeLessThan(48 * 1024 * 1024);
  });
});
