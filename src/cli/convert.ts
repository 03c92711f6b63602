import { isIdentityError } from "../errors/index.js";
import { type ConvertOptions, converters, MIGRATION_VENDORS, vendorFormats } from "../migrate/index.js";
import type { InputFormat } from "./records.js";

/** `--from` values: the vendors of idkit/migrate, and `idkit` for create bodies as they are (`idkit export`). */
export const SOURCES = [...MIGRATION_VENDORS, "idkit"] as const;
export type Source = (typeof SOURCES)[number];

/** A record converted to a create body, or why it could not be. */
export type Converted =
  | { body: Record<string, unknown>; problem?: undefined }
  | { body?: undefined; problem: { code: string; message: string; pointer?: string } };

export interface SourceFormat {
  formats: readonly InputFormat[];
  recordsPath?: string | undefined;
  idOf(record: unknown): string | undefined;
  convert(record: unknown, options: ConvertOptions): Converted;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function failure(error: unknown): Converted {
  if (isIdentityError(error)) {
    const pointer = error.details?.pointer ?? error.issues[0]?.pointer;
    return {
      problem: {
        code: error.code,
        message: error.reason ?? error.message,
        ...(typeof pointer === "string" ? { pointer } : {}),
      },
    };
  }
  // A converter is documented to throw only IdentityErrors: anything else is reported, never a crash.
  return {
    problem: {
      code: "unconvertible_record",
      message: error instanceof Error ? error.message : String(error),
    },
  };
}

const idkitSource: SourceFormat = {
  formats: ["ndjson", "json"],
  idOf: (record) => {
    if (!isObject(record)) return undefined;
    const id = record.id ?? record.external_id;
    return typeof id === "string" ? id.slice(0, 256) : undefined;
  },
  convert: (record, options) => {
    if (!isObject(record))
      return {
        problem: { code: "unconvertible_record", message: "the record is not a JSON object", pointer: "" },
      };
    return { body: options.schemaId === undefined ? record : { ...record, schema_id: options.schemaId } };
  },
};

/** How the CLI reads and converts records of `--from source`. */
export function sourceFormat(source: Source): SourceFormat {
  if (source === "idkit") return idkitSource;
  const format = vendorFormats[source];
  const converter = converters[source];
  return {
    formats: format.formats,
    recordsPath: format.recordsPath,
    idOf: (record) => format.idOf(record),
    convert: (record, options) => {
      try {
        return { body: converter(record, options) as Record<string, unknown> };
      } catch (e) {
        return failure(e);
      }
    },
  };
}
