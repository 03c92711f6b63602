import { Packed } from "./packed-json.js";
import {
  ArrayTemplate,
  type FlatRecord,
  LEAF,
  ObjectTemplate,
  STAMP,
  type Template,
} from "./record-layouts.js";
import type { StoredForm } from "./stored-forms.js";

/** The kinds of uniqueness key (storage contract). */
export type KeyKind = "credential" | "verifiable_address" | "recovery_address" | "external_id";

/**
 * What MemoryStorage's indexes need of a stored record, read from its stored copy (never from the caller's object
 * a second time, whose getters could answer differently): its id, organization and uniqueness keys —
 * `keys` is flat, `[kind, scope, value, kind, scope, value, ...]`, in the order the contract names conflicts
 * (credential identifiers by credential type in member order, verifiable addresses, recovery addresses, the
 * external id). Keys whose scope or value is not a string (a malformed direct write) are left out.
 */
export interface RecordFacts {
  id: unknown;
  organizationId: unknown;
  /** The stored `updated_at` (what compare-and-set writes compare). */
  updatedAt: unknown;
  keys: string[];
}

/** Where a value sits in a flat record: a leaf index (≥ 0), the stamp (-1), or nowhere (-2: undefined). */
type Ref = number;
const AT_STAMP = -1;
const ABSENT = -2;

/** The facts of one layout: refs of the id and organization, and `[kind, scope, scopeIsRef, valueRef]` per key. */
interface FactsPlan {
  id: Ref;
  organizationId: Ref;
  updatedAt: Ref;
  keys: (string | number | boolean)[];
}

/** The facts of `form` (a flat record through its layout's plan; anything else through a decoded copy). */
export function factsOf(form: StoredForm, forms: { unpack(form: StoredForm): unknown }): RecordFacts {
  if (!(form instanceof Packed)) {
    const layout = form[1];
    if (layout.facts === undefined) layout.facts = planOf(layout.template);
    if (layout.facts !== null) return fromPlan(form, layout.facts as FactsPlan);
  }
  return factsOfValue(forms.unpack(form));
}

/** The value `ref` points at in `form`. */
const at = (form: FlatRecord, ref: Ref): unknown =>
  ref >= 0 ? form[2 + ref] : ref === AT_STAMP ? form[0] : undefined;

function fromPlan(form: FlatRecord, plan: FactsPlan): RecordFacts {
  const spec = plan.keys;
  // Sized up front (a push onto [] reserves room for ~16 more), trimmed to the keys present.
  const keys: string[] = new Array(Math.ceil(spec.length / 4) * 3);
  let n = 0;
  for (let i = 0; i < spec.length; i += 4) {
    const scope = spec[i + 2] ? at(form, spec[i + 1] as number) : spec[i + 1];
    const value = at(form, spec[i + 3] as number);
    // An empty external id is no key (the contract's rule is "when set").
    if (
      typeof scope === "string" &&
      typeof value === "string" &&
      (value !== "" || spec[i] !== "external_id")
    ) {
      keys[n++] = spec[i] as string;
      keys[n++] = scope;
      keys[n++] = value;
    }
  }
  keys.length = n;
  return {
    id: at(form, plan.id),
    organizationId: at(form, plan.organizationId),
    updatedAt: at(form, plan.updatedAt),
    keys,
  };
}

/** The facts of a plain record. */
export function factsOfValue(value: unknown): RecordFacts {
  const record = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const keys: string[] = [];
  const push = (kind: KeyKind, scope: unknown, key: unknown) => {
    if (typeof scope === "string" && typeof key === "string") keys.push(kind, scope, key);
  };
  const credentials = record.credentials;
  if (typeof credentials === "object" && credentials !== null && !Array.isArray(credentials)) {
    for (const [type, credential] of Object.entries(credentials)) {
      const identifiers = (credential as { identifiers?: unknown } | null)?.identifiers;
      if (Array.isArray(identifiers))
        for (const identifier of identifiers) push("credential", type, identifier);
    }
  }
  for (const kind of ["verifiable_address", "recovery_address"] as const) {
    const list = record[kind === "verifiable_address" ? "verifiable_addresses" : "recovery_addresses"];
    if (!Array.isArray(list)) continue;
    for (const a of list)
      push(kind, (a as { via?: unknown } | null)?.via, (a as { value?: unknown } | null)?.value);
  }
  if (record.external_id) push("external_id", "", record.external_id);
  return { id: record.id, organizationId: record.organization_id, updatedAt: record.updated_at, keys };
}

/** The plan of a layout, or null when the record must be decoded to read its facts. */
function planOf(root: Template): FactsPlan | null {
  if (!(root instanceof ObjectTemplate)) return null;
  // The leaf index of every template position, by a walk in document order.
  const leafAt = new Map<ObjectTemplate | ArrayTemplate, Ref[]>();
  let n = 0;
  const number = (t: Template): void => {
    if (t === LEAF) n++;
    if (t === LEAF || t === STAMP) return;
    const own: Ref[] = [];
    for (const item of t.items) {
      own.push(item === LEAF ? n : item === STAMP ? AT_STAMP : ABSENT);
      number(item);
    }
    leafAt.set(t, own);
  };
  number(root);
  const member = (t: ObjectTemplate, name: string): number => t.names.indexOf(name);
  const ref = (t: ObjectTemplate | ArrayTemplate, i: number): Ref =>
    i < 0 ? ABSENT : (leafAt.get(t)?.[i] ?? ABSENT);
  /** A leaf or the stamp: its ref; absent: ABSENT; an object or array: null (not a string: no key, no plan). */
  const scalar = (t: ObjectTemplate, name: string): Ref | null => {
    const i = member(t, name);
    if (i < 0) return ABSENT;
    const item = t.items[i] as Template;
    return item === LEAF || item === STAMP ? ref(t, i) : null;
  };
  const keys: (string | number | boolean)[] = [];
  const credentials = root.items[member(root, "credentials")];
  if (credentials instanceof ObjectTemplate) {
    // In the order of the decoded object's members (integer-like names first, as an ordinary object lists them;
    // a proxy may have listed them otherwise).
    for (const c of ordinaryOrder(credentials.names)) {
      const credential = credentials.items[c];
      if (!(credential instanceof ObjectTemplate)) continue;
      const identifiers = credential.items[member(credential, "identifiers")];
      if (!(identifiers instanceof ArrayTemplate)) continue;
      identifiers.items.forEach((item, i) => {
        if (item === LEAF || item === STAMP)
          keys.push("credential", credentials.names[c] as string, false, ref(identifiers, i));
      });
    }
  }
  for (const [kind, name] of [
    ["verifiable_address", "verifiable_addresses"],
    ["recovery_address", "recovery_addresses"],
  ] as const) {
    const list = root.items[member(root, name)];
    if (!(list instanceof ArrayTemplate)) continue;
    for (const address of list.items) {
      if (!(address instanceof ObjectTemplate)) continue;
      const via = scalar(address, "via");
      const value = scalar(address, "value");
      if (via !== null && value !== null) keys.push(kind, via, true, value); // else not strings: no key
    }
  }
  const external = scalar(root, "external_id");
  if (external !== null && external !== ABSENT) keys.push("external_id", "", false, external);
  const id = scalar(root, "id");
  const organizationId = scalar(root, "organization_id");
  const updatedAt = scalar(root, "updated_at");
  if (id === null || organizationId === null || updatedAt === null) return null;
  return { id, organizationId, updatedAt, keys };
}

/** Indexes of `names` in the order an ordinary object lists members of those names. */
function ordinaryOrder(names: readonly string[]): number[] {
  const at = new Map(names.map((name, i) => [name, i]));
  const ordered: Record<string, number> = {};
  for (const name of names) Object.defineProperty(ordered, name, { value: 0, enumerable: true });
  return Object.keys(ordered).map((name) => at.get(name) as number);
}
