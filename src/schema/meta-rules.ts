import { escapePointerToken } from "../errors/index.js";
import { KRATOS_EXTENSION_KEYWORD, VERIFICATION_FORMATS } from "./kratos-extension.js";

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === "object" && !Array.isArray(v);

/**
 * Kratos's identity meta-schema (`embedx/identity_meta.schema.json`, spec 2.1): `properties.traits` must exist,
 * be of type object (when typed) and have at least one property; a trait that sets `verification` may only use
 * the formats email, tel, date, time, date-time, no-validate. Returns the problem, or undefined.
 */
export function checkIdentityMetaRules(schema: Record<string, unknown>): string | undefined {
  const traits = isObject(schema.properties) ? schema.properties.traits : undefined;
  if (!isObject(traits)) return 'it must define "properties.traits"';
  if (traits.type !== undefined && traits.type !== "object")
    return '"properties.traits.type" must be "object"';
  if (!isObject(traits.properties) || Object.keys(traits.properties).length === 0) {
    return '"properties.traits.properties" must define at least one trait';
  }
  const codeWithoutVia = findCodeIdentifierWithoutVia(schema, "");
  if (codeWithoutVia !== undefined) {
    return `the "ory.sh/kratos" extension at "${codeWithoutVia}" sets credentials.code.identifier without "via": channel type "" must be one of email, sms`;
  }
  for (const [name, sub] of Object.entries(traits.properties)) {
    if (!isObject(sub)) continue;
    const ext = sub[KRATOS_EXTENSION_KEYWORD];
    if (!isObject(ext) || ext.verification === undefined) continue;
    if (sub.format !== undefined && !VERIFICATION_FORMATS.includes(String(sub.format))) {
      return `trait "${name}" sets verification, so its format must be one of ${VERIFICATION_FORMATS.join(", ")}`;
    }
  }
  return undefined;
}

/**
 * The JSON Pointer (into the schema) of the first `ory.sh/kratos` extension that makes a value a `code` identifier
 * without saying its channel, or undefined. Kratos refuses such a value at validation time (`channel type "" must
 * be one of email, sms`, `identity/extension_credentials.go`); idkit refuses the schema at registration, so the
 * value is never filed under a guessed channel. Iterative, so a deep schema cannot exhaust the stack.
 */
export function findCodeIdentifierWithoutVia(schema: unknown, root: string): string | undefined {
  const stack: Array<[unknown, string]> = [[schema, root]];
  while (stack.length > 0) {
    const [node, pointer] = stack.pop() as [unknown, string];
    if (!node || typeof node !== "object") continue;
    if (!Array.isArray(node)) {
      const ext = (node as Record<string, unknown>)[KRATOS_EXTENSION_KEYWORD];
      const code = isObject(ext) && isObject(ext.credentials) ? ext.credentials.code : undefined;
      if (isObject(code) && code.identifier === true && code.via === undefined) {
        return `${pointer}/${escapePointerToken(KRATOS_EXTENSION_KEYWORD)}/credentials/code`;
      }
    }
    const keys = Object.keys(node);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      stack.push([(node as Record<string, unknown>)[key], `${pointer}/${escapePointerToken(key)}`]);
    }
  }
  return undefined;
}
