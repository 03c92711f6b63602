import { appended } from "../json/arrays.js";
import {
  AJV_EXTENSION_KEYWORD,
  type ExtensionHit,
  KRATOS_EXTENSION_META_SCHEMA,
  type KratosExtension,
} from "./kratos-extension.js";

/** What a validation run passes ajv as `this`: the extension hits it collects, in visiting order. */
export interface HitContext {
  hits: ExtensionHit[];
}

/**
 * The ajv keyword that stands for the `ory.sh/kratos` extension: never fails, records every value that carries
 * one (its pointer, value, extension and sibling `format`) for the extension runners (addresses/extract.ts).
 */
export const EXTENSION_HITS = {
  keyword: AJV_EXTENSION_KEYWORD,
  metaSchema: KRATOS_EXTENSION_META_SCHEMA,
  errors: false,
  validate(this: HitContext | undefined, ext: KratosExtension, data: unknown, parent: unknown, cxt: unknown) {
    if (this === undefined) return true;
    const format = (parent as { format?: unknown } | undefined)?.format;
    const hit: ExtensionHit = {
      pointer: (cxt as { instancePath: string } | undefined)?.instancePath ?? "",
      value: data,
      extension: ext,
      format: typeof format === "string" ? format : undefined,
    };
    this.hits = appended(this.hits, hit);
    return true;
  },
};
