import { createRequire } from "node:module";

/**
 * Loads a CommonJS-compatible package on first use instead of at import time, in both builds, with a `require`
 * made from this module's file (`__filename` in the CJS build, `import.meta.url` in the ESM build and the
 * sources). Cold start stays cheap for what a manager may never need (ajv until a schema is compiled,
 * libphonenumber's metadata until a phone number is parsed).
 */
export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => {
    if (loaded === undefined) {
      // Not the `require` identifier: the ESM bundle replaces it with a shim that throws.
      loaded = createRequire(typeof __filename === "string" ? __filename : import.meta.url)(id) as T;
    }
    return loaded;
  };
}
