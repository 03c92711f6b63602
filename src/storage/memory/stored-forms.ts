import type { StoredIdentity } from "../../identity/identity.js";
import { Packed, pack, Shapes, unpack } from "./packed-json.js";
import { type FlatRecord, Layouts, Unshaped, unflatten } from "./record-layouts.js";

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
    // The stamp is only an encoding detail (strings equal to it are written once): what is stored is what the walk
    // read, `updated_at` included (record-facts.ts reads it from the copy).
    const updatedAt: unknown = identity.updated_at;
    const stamp = typeof updatedAt === "string" ? updatedAt : "";
    const flat = this.#layouts.flatten(identity, stamp);
    // Past the layout table's bounds: the copy the walk made (the caller's object is not read twice), packed.
    return flat instanceof Unshaped ? new Packed(stamp, pack(flat.copy(stamp), stamp, this.#shapes)) : flat;
  }

  /** {@link pack}, its error returned instead of thrown. */
  tryPack(identity: StoredIdentity): StoredForm | Error {
    try {
      return this.pack(identity);
    } catch (e) {
      return e as Error;
    }
  }

  /** A fresh copy of the identity `stored` holds. */
  unpack(stored: StoredForm): StoredIdentity {
    return stored instanceof Packed
      ? unpack<StoredIdentity>(stored.json, stored.updated_at, this.#shapes)
      : unflatten<StoredIdentity>(stored);
  }
}
