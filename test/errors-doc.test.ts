import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, IdentityError, isIdentityError, ValidationError } from "../src/index.js";

describe("error codes", () => {
  const doc = readFileSync(new URL("../docs/errors.md", import.meta.url), "utf8");
  const rows = new Map(
    [...doc.matchAll(/^\|\s*`([a-z_]+)`\s*\|\s*(\d{3})\s*\|/gm)].map((m) => [m[1] as string, Number(m[2])]),
  );

  it("docs/errors.md lists every code with its status, and nothing else", () => {
    expect(new Set(rows.keys())).toEqual(new Set(Object.keys(ERROR_CODES)));
    for (const [code, { status }] of Object.entries(ERROR_CODES)) expect(rows.get(code), code).toBe(status);
  });

  it("README's error table lists every code with its status, each once, and nothing else", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const start = readme.indexOf("\n## Errors\n");
    expect(start).toBeGreaterThanOrEqual(0);
    const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
    const listed: [string, number][] = [];
    for (const [, cell, status] of section.matchAll(
      /^\|\s*(`[a-z_]+`(?:,\s*`[a-z_]+`)*)\s*\|\s*(\d{3})\s*\|/gm,
    )) {
      for (const [, code] of (cell as string).matchAll(/`([a-z_]+)`/g))
        listed.push([code as string, Number(status)]);
    }
    expect(listed.map(([code]) => code).sort()).toEqual(Object.keys(ERROR_CODES).sort());
    for (const [code, status] of listed)
      expect(status, code).toBe(ERROR_CODES[code as keyof typeof ERROR_CODES].status);
  });

  it("toJSON is Kratos's envelope", () => {
    const e = new ValidationError([{ pointer: "/traits/email", code: "format", message: "bad" }]);
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      error: {
        id: "validation_failed",
        code: 400,
        status: "Bad Request",
        reason: "/traits/email: bad",
        message: "The request was malformed or contained invalid parameters",
        details: { issues: [{ pointer: "/traits/email", code: "format", message: "bad" }] },
      },
    });
  });

  it("isIdentityError checks the brand and the code, not instanceof", () => {
    const e = new IdentityError("token_expired");
    expect(e.status).toBe(410);
    expect(isIdentityError(e)).toBe(true);
    expect(isIdentityError(e, "token_expired")).toBe(true);
    expect(isIdentityError(e, "token_invalid")).toBe(false);
    expect(isIdentityError(new Error("x"))).toBe(false);
    expect(isIdentityError({ code: "token_expired" })).toBe(false);
    const foreign = Object.assign(Object.create(null), {
      [Symbol.for("idkit.IdentityError")]: true,
      code: "token_expired",
    });
    expect(isIdentityError(foreign, "token_expired")).toBe(true);
  });

  it("keeps the cause", () => {
    const cause = new Error("driver");
    expect(new IdentityError("storage_error", { cause }).cause).toBe(cause);
  });
});
