import { isEmailFormat, isTelFormat } from "../addresses/formats.js";
import { type AjvInstance, addFormats } from "./ajv.js";

/**
 * Registers the formats identity schemas use: ajv-formats' set (date, time, date-time, uri, uuid, ...) and
 * Kratos's own `email` (ory/jsonschema rules, spec 2.4), `tel` (libphonenumber, no default region) and
 * `no-validate` (always valid).
 */
export function addIdentityFormats(ajv: AjvInstance): void {
  addFormats(ajv);
  ajv.addFormat("email", { type: "string", validate: isEmailFormat });
  ajv.addFormat("tel", { type: "string", validate: isTelFormat });
  ajv.addFormat("no-validate", { type: "string", validate: () => true });
  ajv.addFormat("noformat", { type: "string", validate: () => true });
}
