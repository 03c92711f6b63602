import type { StoredIdentity } from "../../identity/identity.js";
import { Packed, pack, Shapes, unpack } from "./packed-json.js";
import { type FlatRecord, Layouts, unflatten } from "./record-layouts.js";

/** A record as MemoryStorage keeps it: flat (a layout and its leaves) or, past the layouts' bounds, packed JSON. */
export type StoredForm = FlatRecord | Packed;

/**
 * The compact forms of one MemoryStorage's records: the flat form (record-layouts.ts) when the record's structure
 * fits the store's layout table, else the packed JSON form (packed-json.ts). Either is a copy: nothing stored is
 * shared with the value written or the values read.
 */
export class StoredForms {
  readonly #shapes = new Shapes();
  readonly #layouts = new Layouts();

  /**
   * The compact copy of `identity` (its `updated_at`, when a string, is the stamp most of its timestamps repeat).
   * @throws ValidationError `invalid_json` for a value JSON cannot hold (a BigInt, a cycle, too deep)
   */
  pack(identity: StoredIdentity): StoredForm {
    const stamp = typeof identity.updated_at === "string" ? identity.updated_at : "";
    return this.#layouts.flatten(identity, stamp) ?? new Packed(stamp, pack(identity, stamp, this.#shapes));
  }

  /** A fresh copy of the identity `stored` holds. */
  unpack(stored: StoredForm): StoredIdentity {
    return stored instanceof Packed
      ? unpack<StoredIdentity>(stored.json, stored.updated_at, this.#shapes)
      : unflatten<StoredIdentity>(stored);
  }

  /** The `updated_at` of the identity `stored` holds (what compare-and-set writes compare), without unpacking. */
  updatedAt(stored: StoredForm): string {
    return stored instanceof Packed ? stored.updated_at : stored[0];
  }
}
