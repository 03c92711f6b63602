/**
 * A small checker for configuration objects (hashing options, password policy, breach checker), worded as zod
 * words its issues, so the password modules need no schema library (`idkit/passwords` stays light).
 */

/** One problem with a configuration value: the dotted path of the option (`""` for the object) and its message. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/** Checks one value at `path`; returns its issues (none when the value is acceptable). */
export type ConfigRule = (value: unknown, path: string) => ConfigIssue[];

const join = (path: string, key: string): string => (path === "" ? key : `${path}.${key}`);

/** What a value is, as an issue names it: `null`, `array`, `NaN`, `Infinity` or its `typeof`. */
export function receivedType(value: unknown): string {
  if (value === null) return "null";
  try {
    if (Array.isArray(value)) return "array";
  } catch {
    return "object"; // a revoked proxy
  }
  if (typeof value === "number" && !Number.isFinite(value)) return Number.isNaN(value) ? "NaN" : "Infinity";
  return typeof value;
}

/** A rule from a predicate-style check that returns a message or `undefined`. */
function leaf(check: (value: unknown) => string | undefined): ConfigRule {
  return (value, path) => {
    const message = check(value);
    return message === undefined ? [] : [{ path, message }];
  };
}

/** An optional integer in `min..max` (inclusive). */
export function optionalInt(min: number, max: number = Number.MAX_SAFE_INTEGER): ConfigRule {
  return leaf((v) => {
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isFinite(v))
      return `Invalid input: expected number, received ${receivedType(v)}`;
    if (!Number.isInteger(v)) return "Invalid input: expected int, received number";
    if (v < min) return `Too small: expected number to be >=${min}`;
    if (v > max) return `Too big: expected number to be <=${max}`;
    return undefined;
  });
}

/** An optional boolean. */
export const optionalBoolean: ConfigRule = leaf((v) =>
  v === undefined || typeof v === "boolean"
    ? undefined
    : `Invalid input: expected boolean, received ${receivedType(v)}`,
);

/** An optional function. */
export const optionalFunction: ConfigRule = leaf((v) =>
  v === undefined || typeof v === "function" ? undefined : "must be a function",
);

/** An optional string that is one of `values`. */
export function optionalEnum(values: readonly string[]): ConfigRule {
  return leaf((v) =>
    v === undefined || (typeof v === "string" && values.includes(v))
      ? undefined
      : `Invalid option: expected one of ${values.map((x) => `"${x}"`).join("|")}`,
  );
}

/** An optional string accepted by `test`, else refused with `message`. */
export function optionalString(test: (value: string) => boolean, message: string): ConfigRule {
  return leaf((v) => {
    if (v === undefined) return undefined;
    if (typeof v !== "string") return `Invalid input: expected string, received ${receivedType(v)}`;
    return test(v) ? undefined : message;
  });
}

/**
 * An object (optional unless `required`) whose members follow `rules`; a key without a rule is refused
 * (`Unrecognized key: "x"`). Members are read once each, in the order of `rules`.
 */
export function strictObject(rules: Readonly<Record<string, ConfigRule>>, required = false): ConfigRule {
  return (value, path) => {
    if (value === undefined && !required) return [];
    if (value === null || typeof value !== "object" || receivedType(value) !== "object") {
      return [{ path, message: `Invalid input: expected object, received ${receivedType(value)}` }];
    }
    const issues: ConfigIssue[] = [];
    const record = value as Record<string, unknown>;
    let unknown: string[];
    try {
      for (const [key, rule] of Object.entries(rules)) issues.push(...rule(record[key], join(path, key)));
      unknown = Object.keys(record).filter((key) => !Object.hasOwn(rules, key));
    } catch {
      return [{ path, message: "cannot be read (a revoked proxy or a throwing getter)" }];
    }
    if (unknown.length > 0) {
      const s = unknown.length === 1 ? "" : "s";
      issues.push({ path, message: `Unrecognized key${s}: ${unknown.map((k) => `"${k}"`).join(", ")}` });
    }
    return issues;
  };
}

/** The issues as one `reason`: `<prefix>.<path>: <message>` joined with `; `. */
export function issuesReason(prefix: string, issues: readonly ConfigIssue[]): string {
  return issues.map((i) => `${prefix}.${i.path}: ${i.message}`).join("; ");
}
