import { createHash } from "node:crypto";
import { constantTimeEqual, decodeBase64Strict } from "../../encoding.js";
import { paddedBytes, splitDollars } from "../syntax.js";
import { defineLegacyVerifier, malformed } from "./legacy-verifier.js";
import {
  applySaltTemplate,
  isValidSaltTemplateFields,
  parseSaltTemplateFields,
  type SaltTemplateFields,
} from "./salt-template.js";

const MD5_LENGTH = 16;

export type ParsedMd5 = { digest: Buffer; salted?: SaltTemplateFields };

/** Parses a Kratos `$md5$` hash (what `verify` uses; `validate` tries a quick check first). */
export function parseMd5(hash: string): ParsedMd5 {
  const parts = hash.split("$", 6);
  if (parts.length === 3) {
    const digest = decodeBase64Strict(parts[2]!);
    if (digest === undefined) throw malformed("md5 digest is not strict padded base64");
    if (digest.length !== MD5_LENGTH) throw malformed("md5 digest must be 16 bytes");
    return { digest };
  }
  if (parts.length === 5) {
    const salted = parseSaltTemplateFields(parts[2]!, parts[3]!, parts[4]!, MD5_LENGTH);
    return { digest: salted.digest, salted };
  }
  throw malformed("md5 hash must be $md5$<digest> or $md5$pf=<template>$<salt>$<digest>");
}

/** Whether `parseMd5` accepts `hash` (and the pattern matches), checked without decoding. */
function isValidMd5(hash: string): boolean {
  if (typeof hash !== "string" || !hash.startsWith("$md5$")) return false;
  if (splitDollars(hash, 2)) return paddedBytes(hash, 5, hash.length, true) === MD5_LENGTH;
  return splitDollars(hash, 4) && isValidSaltTemplateFields(hash, 1, MD5_LENGTH);
}

/**
 * Kratos's `md5` comparator: `$md5$<B64 MD5(password)>` or `$md5$pf=<B64 template>$<B64 salt>$<B64 digest>`, where
 * the template (with `{SALT}` and `{PASSWORD}`) applies even when the salt is empty. Strict padded base64.
 */
export const md5Verifier = defineLegacyVerifier<ParsedMd5>({
  id: "md5",
  pattern: /^\$md5\$/,
  parse: parseMd5,
  isValid: isValidMd5,
  check(password, { digest, salted }) {
    const input = salted === undefined ? password : applySaltTemplate(salted.template, salted.salt, password);
    return constantTimeEqual(createHash("md5").update(input).digest(), digest);
  },
});
