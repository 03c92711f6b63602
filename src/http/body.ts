import { ValidationError } from "../index.js";
import { httpError } from "./responses.js";

/**
 * Request bodies: the content type is checked before anything is read, the size limit is enforced while the body
 * streams in (a `Content-Length` over the limit is refused before reading; a body without one, or one that lies,
 * is cut off at the limit), and the bytes must be UTF-8 JSON text holding exactly one value.
 */

/** A body read and parsed, or the response that refuses it. */
export type BodyResult = { ok: true; value: unknown } | { ok: false; response: Response };

/** The media type of a `Content-Type` header, lower-cased, without parameters (`undefined` when absent). */
function mediaType(header: string | null): string | undefined {
  if (header === null) return undefined;
  return (header.split(";")[0] ?? "").trim().toLowerCase();
}

/**
 * Refusal of a content type (Kratos's `decoderx` text: a 400, not a 415). Kratos checks the content type on PUT
 * and the recovery routes only; idkit checks it on every route with a body, so a browser form or a `text/plain`
 * request (which a page of another origin may send without a CORS preflight) never reaches the library.
 */
function unsupportedContentType(method: string, header: string | null, allowed: readonly string[]) {
  const reason = `HTTP ${method} Request used unknown HTTP Header "Content-Type: ${header ?? ""}", only [${allowed.join(" ")}] are supported.`;
  return new ValidationError(
    [{ pointer: "", code: "unsupported_content_type", message: reason, context: { allowed: [...allowed] } }],
    { reason },
  );
}

/** A body that is not one JSON value. */
function malformed(message: string): ValidationError {
  return new ValidationError([{ pointer: "", code: "invalid_json", message }], {
    reason: `The request body is not valid JSON: ${message}`,
  });
}

/** The message of a `JSON.parse` failure, without any excerpt of the body (V8 quotes it). */
function parseFailure(e: unknown, text: string): string {
  if (text.trim() === "") return "unexpected end of JSON input";
  const position = /position (\d+)/.exec(e instanceof Error ? e.message : "")?.[1];
  return position === undefined ? "invalid JSON syntax" : `invalid JSON syntax at offset ${position}`;
}

class InexactInteger extends Error {}

/**
 * A `JSON.parse` reviver refusing integers beyond ±2^53: JavaScript numbers cannot hold them exactly, and
 * storing a silently rounded value (12345678901234567890 → 12345678901234567000) would lose data. Send such
 * values as strings.
 */
function refuseInexactIntegers(_key: string, value: unknown): unknown {
  if (typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value)) {
    throw new InexactInteger(
      "an integer beyond ±2^53 cannot be stored exactly (JavaScript numbers); send it as a string",
    );
  }
  return value;
}

const DECODER = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Reads at most `limit` bytes of `stream`; `undefined` when it holds more. @throws when the stream fails */
async function readLimited(
  stream: ReadableStream<Uint8Array>,
  limit: number,
): Promise<Uint8Array | undefined> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        reader.cancel().catch(() => {});
        return undefined;
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Reads the JSON body of `request`: a content type of `allowed` (parameters such as `charset` are ignored), at
 * most `limit` bytes (else 413), UTF-8 (a BOM or an invalid sequence is refused, as Go's decoder refuses a BOM),
 * one JSON value (else 400 `validation_failed`, issue code `invalid_json`, nothing of the body echoed).
 */
export async function readJsonBody(
  request: Request,
  limit: number,
  allowed: readonly string[] = ["application/json"],
): Promise<BodyResult> {
  const header = request.headers.get("content-type");
  const type = mediaType(header);
  if (type === undefined || !allowed.includes(type)) {
    throw unsupportedContentType(request.method, header, allowed);
  }
  const tooLarge = () => ({
    ok: false as const,
    response: httpError(413, `The request body exceeds the limit of ${limit} bytes.`),
  });
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) return tooLarge();
  let bytes: Uint8Array | undefined;
  try {
    bytes = request.body === null ? new Uint8Array(0) : await readLimited(request.body, limit);
  } catch {
    throw malformed("the request body could not be read");
  }
  if (bytes === undefined) return tooLarge();
  let text: string;
  try {
    text = DECODER.decode(bytes);
  } catch {
    throw malformed("the request body is not UTF-8");
  }
  let value: unknown;
  try {
    value = JSON.parse(text, refuseInexactIntegers);
  } catch (e) {
    if (e instanceof InexactInteger) throw malformed(e.message);
    throw malformed(parseFailure(e, text));
  }
  return { ok: true, value };
}
