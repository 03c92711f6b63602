// docs/http-api.md must not drift from the code: every difference from Kratos it lists names tests that exist,
// and its routes table lists every route the handler serves.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { API_KEY_ROUTES } from "../src/http/routes-api-keys.js";
import { IDENTITY_ROUTES } from "../src/http/routes-identities.js";
import { HEALTH_ROUTES, RECOVERY_ROUTES, SCHEMA_ROUTES } from "../src/http/routes-other.js";

const doc = readFileSync(new URL("../docs/http-api.md", import.meta.url), "utf8");

describe("docs/http-api.md", () => {
  it("cites an existing test for each difference from Kratos: `file` › `name` (a trailing … is a prefix)", () => {
    const differences = doc.slice(doc.indexOf("## Differences from Kratos"));
    const bullets = differences.split(/\n- /).slice(1);
    expect(bullets.length).toBeGreaterThanOrEqual(9);
    for (const bullet of bullets.filter((b) => !b.startsWith("`GET /version`"))) {
      expect(/`test\/[\w./-]+\.test\.ts`/.test(bullet), bullet.slice(0, 80)).toBe(true);
    }
    const cited = [...differences.matchAll(/`(test\/[\w./-]+\.test\.ts)`\s*›\s*((?:`[^`]+`[\s,]*)+)/g)];
    expect(cited.length).toBeGreaterThanOrEqual(9);
    for (const [, file, names] of cited) {
      const path = new URL(`../${file}`, import.meta.url);
      expect(existsSync(path), file).toBe(true);
      const source = readFileSync(path, "utf8");
      for (const [, name] of (names ?? "").matchAll(/`([^`]+)`/g)) {
        expect(source.includes((name as string).replace(/…$/, "")), `${file} › ${name}`).toBe(true);
      }
    }
  });

  it("lists every route in its routes table, with its method", () => {
    const table = doc.slice(doc.indexOf("## Routes"), doc.indexOf("### API keys (idkit extension)"));
    const all = [
      ...IDENTITY_ROUTES,
      ...API_KEY_ROUTES,
      ...RECOVERY_ROUTES,
      ...SCHEMA_ROUTES,
      ...HEALTH_ROUTES,
    ];
    for (const route of all) {
      const prefix =
        route.path.startsWith("/identities") || route.path.startsWith("/recovery") ? "/admin" : "";
      const path = `${prefix}${route.path}`.replace(/:(\w+)/g, "{$1}");
      const row = new RegExp(`\\| \`${route.method}\`\\s*\\| \`${path.replace(/[{}]/g, "\\$&")}\``);
      expect(row.test(table), `${route.method} ${path}`).toBe(true);
    }
  });
});
