import type { CreateIdentityBody } from "../identity/payloads.js";
import { guarded, recordObject, unconvertible } from "./record.js";
import type { ConvertOptions } from "./types.js";

/** Converts one Clerk export record to an idkit create body (see docs/migration.md). */
export function fromClerk(record: unknown, _options?: ConvertOptions): CreateIdentityBody {
  return guarded("clerk", () => {
    recordObject("clerk", record);
    throw unconvertible("", "clerk: not implemented yet");
  });
}
