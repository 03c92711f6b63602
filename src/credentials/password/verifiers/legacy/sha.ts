import { createHash } from "node:crypto";
import { constantTimeEqual } from "../../encoding.js";
import { DOLLARS, splitDollars } from "../syntax.js";
import { defineLegacyVerifier, malformed } from "./legacy-verifier.js";
import {
  applySaltTemplate,
  isValidSaltTemplateFields,
  parseSaltTemplateFields,
  type SaltTemplateFields,
} from "./salt-template.js";

const DIGEST_LENGTH: Readonly<Record<string, number>> = { sha1: 20, sha256: 32, sha512: 64 };

export type ParsedSha = SaltTemplateFields & { algorithm: string };

/** Parses a Kratos `$sha1$` / `$sha256$` / `$sha512$` templated hash (what `verify` uses). */
export function parseSha(hash: string): ParsedSha {
  const parts = hash.split("$", 6);
  if (parts.length !== 5) throw malformed("sha hash must be $<alg>$pf=<template>$<salt>$<digest>");
  const algorithm = parts[1]!;
  const length = DIGEST_LENGTH[algorithm];
  if (length === undefined) throw malformed(`unknown sha algorithm ${algorithm}`);
  return { algorithm, ...parseSaltTemplateFields(parts[2]!, parts[3]!, parts[4]!, length) };
}

/** The digest length of a `$sha1$` / `$sha256$` / `$sha512$` head, or 0. */
function headLength(hash: string): number {
  if (!hash.startsWith("$sha")) return 0;
  const end = DOLLARS[1];
  return end === 5 && hash.startsWith("1", 4)
    ? 20
    : end === 7 && hash.startsWith("256", 4)
      ? 32
      : end === 7 && hash.startsWith("512", 4)
        ? 64
        : 0;
}

/** Whether `parseSha` accepts `hash` (and the pattern matches), checked without decoding. */
function isValidSha(hash: string): boolean {
  if (typeof hash !== "string" || !splitDollars(hash, 4) || DOLLARS[0] !== 0) return false;
  const length = headLength(hash);
  return length > 0 && isValidSaltTemplateFields(hash, 1, length);
}

/**
 * Kratos's `sha` comparator: `$sha1$`, `$sha256$` or `$sha512$` followed by `pf=<B64 template>$<B64 salt>$<B64
 * digest>`; compares the digest of the substituted template. The `pf=` template is required and non-empty.
 */
export const shaVerifier = defineLegacyVerifier<ParsedSha>({
  id: "sha",
  pattern: /^\$sha(1|256|512)\$/,
  parse: parseSha,
  isValid: isValidSha,
  check(password, { algorithm, template, salt, digest }) {
    const input = applySaltTemplate(template, salt, password);
    return constantTimeEqual(createHash(algorithm).update(input).digest(), digest);
  },
});
