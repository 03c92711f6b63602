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
