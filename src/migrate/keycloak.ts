import type { CreateIdentityBody } from "../identity/payloads.js";
import { guarded, recordObject, unconvertible } from "./record.js";
import type { ConvertOptions } from "./types.js";

/** Converts one Keycloak export record to an idkit create body (see docs/migration.md). */
export function fromKeycloak(record: unknown, _options?: ConvertOptions): CreateIdentityBody {
  return guarded("keycloak", () => {
    recordObject("keycloak", record);
    throw unconvertible("", "keycloak: not implemented yet");
  });
}
