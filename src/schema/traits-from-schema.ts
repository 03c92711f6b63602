import type { FromSchema, JSONSchema } from "json-schema-to-ts";
import type { JsonObject } from "../identity/identity.js";

/**
 * The traits type of one identity schema written `as const`: json-schema-to-ts's `FromSchema` of its
 * `properties.traits`. Inference runs only when that sub-schema's `type` is the literal `"object"`; a schema typed
 * `Record<string, unknown>` (read from a file, built at run time) gives {@link JsonObject}, at no compile cost.
 *
 * @example
 * ```ts
 * const person = {
 *   type: "object",
 *   properties: {
 *     traits: {
 *       type: "object",
 *       properties: { email: { type: "string", format: "email" } },
 *       required: ["email"],
 *       additionalProperties: false,
 *     },
 *   },
 * } as const;
 * type Person = TraitsFromSchema<typeof person>; // { email: string }
 * ```
 */
export type TraitsFromSchema<Schema> = Schema extends { readonly properties: { readonly traits: infer T } }
  ? T extends { readonly type: "object" }
    ? T extends JSONSchema
      ? FromSchema<T>
      : JsonObject
    : JsonObject
  : JsonObject;

/**
 * The traits type of a manager configured with these schemas (the `schemas` option, by id): the union of
 * {@link TraitsFromSchema} over them; {@link JsonObject} when the ids are not literal (`Record<string, ...>`).
 */
export type TraitsFromSchemas<Schemas> = string extends keyof Schemas
  ? JsonObject
  : { [Id in keyof Schemas]: TraitsFromSchema<Schemas[Id]> }[keyof Schemas];
