import type { CreateIdentityBody } from "../identity/payloads.js";
import { guarded, recordObject, unconvertible } from "./record.js";
import type { ConvertOptions } from "./types.js";

/** Converts one Auth0 export record to an idkit create body (see docs/migration.md). */
export function fromAuth0(record: unknown, _options?: ConvertOptions): CreateIdentityBody {
  return guarded("auth0", () => {
    recordObject("auth0", record);
    throw unconvertible("", "auth0: not implemented yet");
  });
}
