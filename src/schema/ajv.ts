import AjvDraft07Module, { type ErrorObject, type Options, type ValidateFunction } from "ajv";
import Ajv2020Module from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

// ajv and ajv-formats are CommonJS with a `default` property: under NodeNext the default import is the module
// object, under a bundler it may be the class. Accept both.
const interop = <T>(m: unknown): T => ((m as { default?: T }).default ?? m) as T;

export type AjvInstance = AjvDraft07Module.default;
type AjvConstructor = new (options?: Options) => AjvInstance;

/** ajv for draft-07 (and draft-06) schemas. */
export const AjvDraft07 = interop<AjvConstructor>(AjvDraft07Module);
/** ajv for draft 2020-12 schemas. */
export const Ajv2020 = interop<AjvConstructor>(Ajv2020Module);
/** ajv-formats plugin. */
export const addFormats = interop<(ajv: AjvInstance) => unknown>(addFormatsModule);

export type { ErrorObject, ValidateFunction };
