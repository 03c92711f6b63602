import { createHash } from "node:crypto";
import { constantTimeEqual } from "../../encoding.js";
import { defineLegacyVerifier, malformed } from "./legacy-verifier.js";
import { applySaltTemplate, parseSaltTemplateFields, type SaltTemplateFields } from "./salt-template.js";

const DIGEST_LENGTH: Readonly<Record<string, number>> = { sha1: 20, sha256: 32, sha512: 64 };

type ParsedSha = SaltTemplateFields & { algorithm: string };

function parseSha(hash: string): ParsedSha {
  const parts = hash.split("$", 6);
  if (parts.length !== 5) throw malformed("sha hash must be $<alg>$pf=<template>$<salt>$<digest>");
  const algorithm = parts[1]!;
  const length = DIGEST_LENGTH[algorithm];
  if (length === undefined) throw malformed(`unknown sha algorithm ${algorithm}`);
  return { algorithm, ...parseSaltTemplateFields(parts[2]!, parts[3]!, parts[4]!, length) };
}

/**
 * Kratos's `sha` comparator: `$sha1$`, `$sha256$` or `$sha512$` followed by `pf=<B64 template>$<B64 salt>$<B64
 * digest>`; compares the digest of the substituted template. The `pf=` template is required and non-empty.
 */
export const shaVerifier = defineLegacyVerifier<ParsedSha>({
  id: "sha",
  pattern: /^\$sha(1|256|512)\$/,
  parse: parseSha,
  check(password, { algorithm, template, salt, digest }) {
    const input = applySaltTemplate(template, salt, password);
    return constantTimeEqual(createHash(algorithm).update(input).digest(), digest);
  },
});
