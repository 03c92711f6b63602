/**
 * Address and identifier normalisation (Kratos `x/normalize.go`) and the `email`/`tel` format checks
 * (ory/jsonschema `formats.go`).
 *
 * @module
 */
export { isEmailFormat, isTelFormat } from "./formats.js";
export {
  canonicalize,
  gracefulNormalization,
  NormalizationError,
  normalizeEmailIdentifier,
  normalizeEmailStrict,
  normalizeIdentifier,
  normalizePhoneStrict,
  toE164IfValidPhone,
} from "./normalize.js";
