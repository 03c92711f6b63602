import type { CreateIdentityBody } from "../identity/payloads.js";
import { guarded, recordObject, unconvertible } from "./record.js";
import type { ConvertOptions } from "./types.js";

/** Converts one Kratos export record to an idkit create body (see docs/migration.md). */
export function fromKratos(record: unknown, _options?: ConvertOptions): CreateIdentityBody {
  return guarded("kratos", () => {
    recordObject("kratos", record);
    throw unconvertible("", "kratos: not implemented yet");
  });
}
