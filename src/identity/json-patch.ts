import { IdentityError } from "../errors/index.js";
import { cloneJson } from "./clone.js";
import type { JsonPatchOperation } from "./payloads.js";

/**
 * Paths a JSON Patch may not touch (globs, `/`-separated, matched case-insensitively). Kratos denies `/id`,
 * `/credentials`, `/credentials/oidc/**` and `/credentials/saml/**`; idkit also protects the computed
 * `schema_url` and the timestamps (Kratos's `/stateChangedAt` entry never matched the real key).
 */
export const DENIED_PATCH_PATHS: readonly string[] = [
  "/id",
  "/schema_url",
  "/created_at",
  "/updated_at",
  "/state_changed_at",
  "/credentials",
  "/credentials/oidc",
  "/credentials/oidc/**",
  "/credentials/saml",
  "/credentials/saml/**",
];

const deniedRegexes = DENIED_PATCH_PATHS.map(
  (glob) =>
    new RegExp(
      `^${glob
        .replace(/[.+?^${}()|[\]\\]/g, "\\$&")
        .replace(/\/\*\*$/, "(?:/.*)?")
        .replace(/\*/g, "[^/]*")}$`,
      "i",
    ),
);

/** Most operations one patch may hold (each one copies values; the bound keeps the work proportionate). */
const MAX_OPERATIONS = 1000;

/** Sets an own, enumerable member (never a setter such as `__proto__`). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function fail(message: string): never {
  throw new IdentityError("invalid_patch", { reason: "failed to apply JSON patch", message });
}

function parsePointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) fail(`invalid JSON pointer: ${JSON.stringify(path)}`);
  return path
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

type Container = Record<string, unknown> | unknown[];
const isContainer = (v: unknown): v is Container => typeof v === "object" && v !== null;

function arrayIndex(arr: unknown[], token: string, forAdd: boolean): number {
  if (forAdd && token === "-") return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) fail(`invalid array index ${JSON.stringify(token)}`);
  const i = Number(token);
  if (i > arr.length || (!forAdd && i === arr.length)) fail(`array index ${i} out of bounds`);
  return i;
}

/**
 * Applies `add`, `remove` and `replace` operations (RFC 6902) to a deep copy of `document` and returns it; the
 * input is never modified, so a failing operation leaves nothing half-applied. As in Kratos (`oryx/jsonx`), a
 * `replace` of a missing object member becomes an `add`, and `add` creates missing intermediate objects.
 * @throws IdentityError `invalid_patch` for a denied path, an unsupported op or a path that cannot be applied.
 */
export function applyJsonPatch<T>(document: T, operations: readonly JsonPatchOperation[]): T {
  if (operations.length > MAX_OPERATIONS) fail(`a patch may hold at most ${MAX_OPERATIONS} operations`);
  for (const op of operations) {
    // The root path would replace the whole document, protected members included.
    if (op.path === "" || deniedRegexes.some((r) => r.test(op.path)))
      fail(`patch includes denied path: ${op.path}`);
    if (op.op !== "add" && op.op !== "remove" && op.op !== "replace") fail(`unsupported operation: ${op.op}`);
    if (parsePointer(op.path).some((t) => t === "__proto__")) fail(`patch includes denied path: ${op.path}`);
  }
  const root = { doc: cloneJson(document) as unknown };
  for (const op of operations) {
    const tokens = parsePointer(op.path);
    let parent: unknown = root.doc;
    for (const token of tokens.slice(0, -1)) {
      if (!isContainer(parent)) fail(`path ${op.path} does not exist`);
      // Only own members are walked: inherited ones (`constructor`, ...) are not part of a JSON document.
      let next = Array.isArray(parent)
        ? parent[arrayIndex(parent, token, false)]
        : Object.hasOwn(parent, token)
          ? parent[token]
          : undefined;
      if (next === undefined || next === null) {
        if (op.op === "remove" || Array.isArray(parent)) fail(`path ${op.path} does not exist`);
        next = {};
        setOwn(parent, token, next);
      }
      parent = next;
    }
    if (!isContainer(parent)) fail(`path ${op.path} does not exist`);
    const last = tokens.at(-1) as string;
    if (op.value === undefined && op.op !== "remove") fail(`operation ${op.op} on ${op.path} needs a value`);
    if (Array.isArray(parent)) {
      const i = arrayIndex(parent, last, op.op === "add");
      if (op.op === "add") parent.splice(i, 0, cloneJson(op.value));
      else if (op.op === "replace") parent[i] = cloneJson(op.value);
      else parent.splice(i, 1);
    } else if (op.op === "remove") {
      if (!Object.hasOwn(parent, last)) fail(`path ${op.path} does not exist`);
      delete parent[last];
    } else {
      setOwn(parent, last, cloneJson(op.value));
    }
  }
  return root.doc as T;
}
