import type * as Zod from "zod";
import { lazyRequire } from "./lazy-require.js";

/** zod's `z` namespace, as the schema builders of {@link lazySchema} receive it. */
export type Z = typeof Zod.z;

const zod = lazyRequire<typeof Zod>("zod");

/**
 * A zod schema built on first use: zod itself (about two thirds of the package's import time) is loaded only when
 * the first payload is parsed, so `import("idkit")` and `new IdentityManager()` stay cheap. The builder runs once;
 * every call returns the same schema.
 */
export function lazySchema<T>(build: (z: Z) => T): () => T {
  let built: T | undefined;
  return () => {
    if (built === undefined) built = build(zod().z);
    return built;
  };
}

/** zod's `NEVER` (the value a failing `transform` returns), loaded with zod. */
export function zodNever(): never {
  return zod().z.NEVER;
}
