import { IdentityError } from "../errors/index.js";
import { setOwn } from "../json/json-input.js";
import { cloneJson } from "./clone.js";
import { isDeniedPatchPath } from "./patch-guard.js";
import { type JsonPatchOperation, MAX_JSON_DEPTH, pointerDeeperThan } from "./payloads.js";
import { parsePointer } from "./pointer.js";

export { DENIED_PATCH_PATHS } from "./patch-guard.js";

/** Most operations one patch may hold (each one copies values; the bound keeps the work proportionate). */
const MAX_OPERATIONS = 1000;

/** The operations Kratos's `jsonx.ApplyJSONPatch` allows (it refuses `move`, `copy` and `test`). */
const SUPPORTED_OPS = new Set(["add", "remove", "replace"]);

/**
 * Kratos answers `reason: "failed to apply JSON patch"` with the specific text in `message`; idkit puts the specific
 * text in both, so a host that shows only `reason` still says which path was refused (README, deliberate
 * differences).
 */
function fail(message: string, details?: Record<string, unknown>): never {
  throw new IdentityError("invalid_patch", {
    reason: message,
    message,
    ...(details === undefined ? {} : { details }),
  });
}

type Container = Record<string, unknown> | unknown[];
const isContainer = (v: unknown): v is Container => typeof v === "object" && v !== null;

/**
 * An array position (RFC 6901: `0` or digits without a leading zero; `-` is one past the end, for `add` only).
 * `end` is the highest position accepted: `length` to insert, `length - 1` to read, replace or remove.
 */
function arrayIndex(arr: unknown[], token: string, end: number, path: string): number {
  if (token === "-" && end === arr.length) return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) fail(`invalid array index ${JSON.stringify(token)} in ${path}`);
  const i = Number(token);
  if (i > end) fail(`array index ${i} out of bounds in ${path}`);
  return i;
}

/** Kratos's `isElementAccess`: the path's last raw segment is `-` or an integer (`strconv.Atoi`). */
const isElementAccess = (path: string): boolean => /\/(-|[+-]?[0-9]+)$/.test(path);

/**
 * Walks to the parent of the last token. With `create`, a missing or `null` member on the way becomes `{}`, or
 * `[]` when the next token is an array position (evanphx/json-patch's `EnsurePathExistsOnAdd`, which Kratos sets).
 * Only `0` and `-` are accepted there: evanphx would pad the new array with `null`s up to any index, idkit refuses.
 */
function walkToParent(root: Container, tokens: readonly string[], create: boolean, path: string): Container {
  let node: Container = root;
  for (let i = 0; i < tokens.length - 1; i++) {
    const token = tokens[i] as string;
    // Only own members are walked: inherited ones (`constructor`, ...) are not part of a JSON document.
    let next: unknown = Array.isArray(node)
      ? node[arrayIndex(node, token, node.length - 1, path)]
      : Object.hasOwn(node, token)
        ? node[token]
        : undefined;
    if ((next === undefined || next === null) && create && !Array.isArray(node)) {
      const following = tokens[i + 1] as string;
      const arrayNext = following === "-" || /^[+-]?[0-9]+$/.test(following);
      if (arrayNext && following !== "0" && following !== "-") {
        fail(`array index ${following} out of bounds in ${path}`);
      }
      next = arrayNext ? [] : {};
      setOwn(node, token, next);
    }
    if (!isContainer(next)) fail(`path ${path} does not exist`);
    node = next;
  }
  return node;
}

/** The decoded tokens of a pointer of operation `operation`; a denied one is refused. */
function checkedPointer(pointer: unknown, operation: number): string[] {
  const tokens = parsePointer(pointer as string, MAX_JSON_DEPTH);
  if (tokens === "not_a_pointer") fail(`invalid JSON pointer: ${JSON.stringify(pointer)}`, { operation });
  if (tokens === "too_deep") fail(`JSON pointer nested deeper than ${MAX_JSON_DEPTH} levels`, { operation });
  // The root path would replace the whole document, protected members included.
  if (tokens.length === 0 || isDeniedPatchPath(tokens)) {
    fail(`patch includes denied path: ${pointer}`, { operation });
  }
  return tokens;
}

/**
 * Checks every operation before anything is applied; returns the decoded tokens of each path. A protected `path`
 * (or `from`) is refused as such whatever the op, before the op itself is checked (Kratos checks the op first, so
 * it answers `unsupported operation` for a `move` to a protected path: the same `invalid_patch` either way).
 */
function checkOperations(operations: readonly JsonPatchOperation[]): string[][] {
  if (operations.length > MAX_OPERATIONS) fail(`a patch may hold at most ${MAX_OPERATIONS} operations`);
  return operations.map((op, operation) => {
    if (typeof op !== "object" || op === null) fail("a JSON Patch operation is an object", { operation });
    const tokens = checkedPointer(op.path, operation);
    if (op.from !== undefined) checkedPointer(op.from, operation);
    if (!SUPPORTED_OPS.has(op.op)) fail(`unsupported operation: ${op.op}`, { operation });
    if (op.op !== "remove" && op.value === undefined) {
      fail(`operation ${op.op} on ${op.path} needs a value`, { operation });
    }
    if (op.value !== undefined && pointerDeeperThan(op.value, MAX_JSON_DEPTH) !== undefined) {
      fail(`the value of operation ${operation} is nested deeper than ${MAX_JSON_DEPTH} levels`, {
        operation,
      });
    }
    return tokens;
  });
}

/**
 * Applies `add`, `remove` and `replace` operations (RFC 6902) to a deep copy of `document` and returns it; the
 * input is never modified, so a failing operation leaves nothing half-applied. As in Kratos (`jsonx.ApplyJSONPatch`
 * over evanphx/json-patch v5 with `EnsurePathExistsOnAdd`): a `replace` whose last token is not an array position
 * becomes an `add`; `add` creates missing or `null` intermediate members; `move`, `copy` and `test` are refused.
 * Pointers hold at most `MAX_JSON_DEPTH` tokens and the result is never nested deeper than `MAX_JSON_DEPTH`, so
 * nothing recursive ever sees a deeper document.
 * @param document a JSON document at most `MAX_JSON_DEPTH` deep (it is copied recursively).
 * @throws IdentityError `invalid_patch` (400, reason and message the specific text, `details.operation` = index)
 *   for a denied path (`patch includes denied path: <path>`), an unsupported op, a pointer or result too deep, or
 *   a path that cannot be applied.
 */
export function applyJsonPatch<T>(document: T, operations: readonly JsonPatchOperation[]): T {
  if (!Array.isArray(operations)) fail("a JSON Patch is an array of operations");
  const paths = checkOperations(operations);
  const root = { doc: cloneJson(document) as unknown };
  operations.forEach((op, operation) => {
    const tokens = paths[operation] as string[];
    if (!isContainer(root.doc)) fail(`path ${op.path} does not exist`, { operation });
    const asAdd = op.op === "add" || (op.op === "replace" && !isElementAccess(op.path));
    const parent = walkToParent(root.doc, tokens, asAdd, op.path);
    const last = tokens.at(-1) as string;
    if (Array.isArray(parent)) {
      const i = arrayIndex(parent, last, asAdd ? parent.length : parent.length - 1, op.path);
      if (op.op === "remove") parent.splice(i, 1);
      else if (asAdd) parent.splice(i, 0, cloneJson(op.value));
      else parent[i] = cloneJson(op.value);
    } else if (op.op === "remove" || !asAdd) {
      if (!Object.hasOwn(parent, last)) fail(`path ${op.path} does not exist`, { operation });
      if (op.op === "remove") delete parent[last];
      else setOwn(parent, last, cloneJson(op.value));
    } else {
      setOwn(parent, last, cloneJson(op.value));
    }
  });
  const tooDeep = pointerDeeperThan(root.doc, MAX_JSON_DEPTH);
  if (tooDeep !== undefined) {
    fail(`the patched document is nested deeper than ${MAX_JSON_DEPTH} levels at ${tooDeep}`, {
      pointer: tooDeep,
    });
  }
  return root.doc as T;
}
