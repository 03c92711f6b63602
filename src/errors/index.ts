export { ERROR_CODES, HTTP_STATUS_TEXT, type IdentityErrorCode } from "./codes.js";
export {
  ConflictError,
  escapePointerToken,
  IdentityError,
  type IdentityErrorDetails,
  type IdentityErrorOptions,
  isIdentityError,
  type KratosErrorEnvelope,
  NotFoundError,
  StorageError,
  toPointer,
  ValidationError,
  type ValidationIssue,
} from "./identity-error.js";
