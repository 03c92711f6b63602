import type { CreateIdentityBody } from "../identity/payloads.js";
import { guarded, recordObject, unconvertible } from "./record.js";
import type { ConvertOptions } from "./types.js";

/** Converts one Supabase export record to an idkit create body (see docs/migration.md). */
export function fromSupabase(record: unknown, _options?: ConvertOptions): CreateIdentityBody {
  return guarded("supabase", () => {
    recordObject("supabase", record);
    throw unconvertible("", "supabase: not implemented yet");
  });
}
