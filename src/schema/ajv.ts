import type AjvDraft07Module from "ajv";
import type { ErrorObject, Options, ValidateFunction } from "ajv";
import { lazyRequire } from "../json/lazy-require.js";

// ajv and ajv-formats are CommonJS with a `default` property (and the class as `module.exports` too). They are
// loaded on first use, not at import: a manager that never compiles a schema never pays for them.
const interop = <T>(m: unknown): T => ((m as { default?: T }).default ?? m) as T;

export type AjvInstance = AjvDraft07Module.default;
type AjvConstructor = new (options?: Options) => AjvInstance;

const draft07 = lazyRequire<unknown>("ajv");
const draft2020 = lazyRequire<unknown>("ajv/dist/2020.js");
const formats = lazyRequire<unknown>("ajv-formats");

/** ajv for draft-07 (and draft-06) schemas (loads ajv on the first call). */
export const AjvDraft07 = (): AjvConstructor => interop<AjvConstructor>(draft07());
/** ajv for draft 2020-12 schemas (loads it on the first call). */
export const Ajv2020 = (): AjvConstructor => interop<AjvConstructor>(draft2020());
/** ajv-formats plugin (loads it on the first call). */
export const addFormats = (ajv: AjvInstance): unknown =>
  interop<(ajv: AjvInstance) => unknown>(formats())(ajv);

export type { ErrorObject, ValidateFunction };
