import type { RecordProblem } from "./records.js";

/** One line of a file: its text, or why it cannot be read; `number` is 1-based. */
export interface Line {
  number: number;
  text?: string;
  problem?: RecordProblem;
}

/**
 * Splits a byte stream into lines (LF or CRLF; a leading BOM dropped), holding at most `maxBytes` bytes of one
 * line: a longer line is given as a `record_too_large` problem and its bytes are discarded as they arrive, so
 * memory stays bounded whatever the file holds. A line that is not valid UTF-8 is an `invalid_utf8` problem.
 */
export async function* splitLines(source: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<Line> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  let number = 0;
  let first = true;
  const finish = (): Line => {
    number++;
    if (tooLong) {
      return {
        number,
        problem: { code: "record_too_large", message: `line ${number} is longer than ${maxBytes} bytes` },
      };
    }
    let bytes = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, size);
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    if (first && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    first = false;
    try {
      return { number, text: decoder.decode(bytes) };
    } catch {
      return { number, problem: { code: "invalid_utf8", message: `line ${number} is not valid UTF-8` } };
    }
  };
  const take = (piece: Buffer) => {
    if (tooLong) return;
    if (size + piece.length > maxBytes + 1) {
      // +1: a CRLF line may hold maxBytes bytes and its CR
      tooLong = true;
      parts = [];
      size = 0;
      return;
    }
    parts.push(piece);
    size += piece.length;
  };
  for await (const chunk of source) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, start); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      take(chunk.subarray(start, nl));
      yield finish();
      parts = [];
      size = 0;
      tooLong = false;
      start = nl + 1;
    }
    if (start < chunk.length) take(Buffer.from(chunk.subarray(start)));
  }
  if (size > 0 || tooLong) yield finish();
}
