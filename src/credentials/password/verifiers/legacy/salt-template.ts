import { decodeBase64Strict } from "../../encoding.js";
import { MAX_SALT_BYTES } from "../../limits.js";
import { DOLLARS, paddedBytes } from "../syntax.js";
import { malformed, outOfBounds } from "./legacy-verifier.js";

const SALT = Buffer.from("{SALT}");
const PASSWORD = Buffer.from("{PASSWORD}");

/**
 * Substitutes `{SALT}` and `{PASSWORD}` in a Kratos `pf=` template, byte-wise, in ONE left-to-right pass: text that
 * was substituted in is never scanned again (Go `strings.NewReplacer`), and every other byte is copied literally.
 *
 * @example applySaltTemplate(Buffer.from("{PASSWORD}{SALT}"), Buffer.from("s"), Buffer.from("{SALT}")) // "{SALT}s"
 */
export function applySaltTemplate(template: Uint8Array, salt: Uint8Array, password: Uint8Array): Buffer {
  const tpl = Buffer.from(template.buffer, template.byteOffset, template.byteLength);
  const out: Uint8Array[] = [];
  let literalStart = 0;
  let i = 0;
  while (i < tpl.length) {
    const token =
      tpl[i] !== 0x7b
        ? undefined
        : startsAt(tpl, i, SALT)
          ? SALT
          : startsAt(tpl, i, PASSWORD)
            ? PASSWORD
            : undefined;
    if (token === undefined) {
      i++;
      continue;
    }
    out.push(tpl.subarray(literalStart, i), token === SALT ? salt : password);
    i += token.length;
    literalStart = i;
  }
  out.push(tpl.subarray(literalStart));
  return Buffer.concat(out);
}

function startsAt(haystack: Buffer, at: number, needle: Buffer): boolean {
  return (
    haystack.length - at >= needle.length &&
    haystack.compare(needle, 0, needle.length, at, at + needle.length) === 0
  );
}

/**
 * Whether the three fields after `$` number `k` of the last `splitDollars` (`pf=<template>$<salt>$<digest>`, the
 * string ending there) are ones {@link parseSaltTemplateFields} accepts, checked without decoding.
 */
export function isValidSaltTemplateFields(hash: string, k: number, digestLength: number): boolean {
  const pf = (DOLLARS[k] as number) + 1;
  if (!hash.startsWith("pf=", pf)) return false;
  const template = paddedBytes(hash, pf + 3, DOLLARS[k + 1] as number, true);
  const salt = paddedBytes(hash, (DOLLARS[k + 1] as number) + 1, DOLLARS[k + 2] as number, true);
  const digest = paddedBytes(hash, (DOLLARS[k + 2] as number) + 1, DOLLARS[k + 3] as number, true);
  return (
    template > 0 &&
    template <= MAX_SALT_BYTES &&
    salt >= 0 &&
    salt <= MAX_SALT_BYTES &&
    digest === digestLength
  );
}

/** The decoded fields of `…$pf=<B64 template>$<B64 salt>$<B64 digest>`. */
export interface SaltTemplateFields {
  template: Buffer;
  salt: Buffer;
  digest: Buffer;
}

/**
 * Parses the three fields after the algorithm of a templated `$sha…$` / `$md5$` hash (strict padded base64, as
 * Kratos's `StdEncoding.Strict()`); the template must be present and non-empty. `digestLength` is the only length
 * that can ever match, so any other is reported as malformed. The template and the salt are at most
 * `MAX_SALT_BYTES` (1024) each, which bounds the substituted input to about 420 KB with a 4096-byte password.
 *
 * @throws IdentityError `unsupported_hash` naming the bad field; `hash_parameters_out_of_bounds` for a template or
 *   salt over 1024 bytes.
 */
export function parseSaltTemplateFields(
  pf: string,
  salt: string,
  digest: string,
  digestLength: number,
): SaltTemplateFields {
  if (!pf.startsWith("pf=") || pf.length === 3) throw malformed("missing or empty pf= salt template");
  const template = decodeBase64Strict(pf.slice(3));
  if (template === undefined) throw malformed("pf= template is not strict padded base64");
  if (template.length > MAX_SALT_BYTES)
    throw outOfBounds(`pf= template is ${template.length} bytes, over ${MAX_SALT_BYTES}`);
  const saltBytes = decodeBase64Strict(salt);
  if (saltBytes === undefined) throw malformed("salt is not strict padded base64");
  if (saltBytes.length > MAX_SALT_BYTES)
    throw outOfBounds(`salt is ${saltBytes.length} bytes, over ${MAX_SALT_BYTES}`);
  const digestBytes = decodeBase64Strict(digest);
  if (digestBytes === undefined) throw malformed("digest is not strict padded base64");
  if (digestBytes.length !== digestLength) throw malformed(`digest must be ${digestLength} bytes`);
  return { template, salt: saltBytes, digest: digestBytes };
}
