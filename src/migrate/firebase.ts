import type { CreateIdentityBody } from "../identity/payloads.js";
import { guarded, recordObject, unconvertible } from "./record.js";
import type { ConvertOptions } from "./types.js";

/** Converts one Firebase export record to an idkit create body (see docs/migration.md). */
export function fromFirebase(record: unknown, _options?: ConvertOptions): CreateIdentityBody {
  return guarded("firebase", () => {
    recordObject("firebase", record);
    throw unconvertible("", "firebase: not implemented yet");
  });
}
