// README.md must not drift from the code: every deliberate difference from Kratos it lists names tests that exist,
// and every value the package exports is in its API section.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import * as http from "../src/http/index.js";
import * as idkit from "../src/index.js";
import * as migrate from "../src/migrate/index.js";
import * as postgres from "../src/postgres/index.js";
import * as testing from "../src/testing/index.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** From `title` to the next heading of its level or above (`## ` ends a `### ` section too). */
function section(title: string): string {
  const start = readme.indexOf(title);
  expect(start, title).toBeGreaterThanOrEqual(0);
  const level = title.indexOf(" ");
  const ends = Array.from({ length: level - 1 }, (_, i) =>
    readme.indexOf(`\n${"#".repeat(i + 2)} `, start + title.length),
  );
  const found = ends.filter((i) => i >= 0);
  const next = found.length > 0 ? Math.min(...found) : -1;
  return readme.slice(start, next < 0 ? undefined : next);
}

describe("README", () => {
  const differences = section("### Deliberate differences from Kratos");
  const bullets = differences.split(/\n- /).slice(1);

  it("lists the deliberate differences, each with a test or a doc that names one", () => {
    expect(bullets.length).toBeGreaterThanOrEqual(15);
    for (const bullet of bullets) {
      expect(
        /`(?:src|test)\/[\w./-]+\.test\.ts`|docs\/(?:passwords|http-api)\.md/.test(bullet),
        bullet.slice(0, 80),
      ).toBe(true);
    }
  });

  it("names tests that exist: `file` › `name` (a trailing … is a prefix), or a whole file", () => {
    const cited = [
      ...differences.matchAll(
        /`((?:src|test)\/[\w./-]+\.test\.ts)`(\s*›\s*((?:`[^`]+`[\s,]*(?:and\s*)?)+))?/g,
      ),
    ];
    expect(cited.length).toBeGreaterThan(0);
    for (const [, file, , names] of cited) {
      const path = new URL(`../${file}`, import.meta.url);
      expect(existsSync(path), file).toBe(true);
      const source = readFileSync(path, "utf8");
      for (const [, name] of (names ?? "").matchAll(/`([^`]+)`/g)) {
        const text = (name as string).replace(/…$/, "");
        expect(source.includes(text), `${file} › ${name}`).toBe(true);
      }
    }
  });

  it("documents every value the package exports", () => {
    const api = section("## API");
    for (const name of Object.keys(idkit)) {
      expect(api.includes(name), name).toBe(true);
    }
  });

  it("documents every value idkit/http, idkit/postgres, idkit/testing and idkit/migrate export", () => {
    const api = section("## API");
    for (const name of [
      ...Object.keys(http),
      ...Object.keys(postgres),
      ...Object.keys(testing),
      ...Object.keys(migrate),
    ]) {
      expect(api.includes(`\`${name}`), name).toBe(true);
    }
  });

  it("names only exports that exist in its table of standalone exports", () => {
    const table = section("### Standalone exports");
    const names = [...table.matchAll(/^\| (.+?) \|/gm)]
      .flatMap(([, cell]) =>
        [...(cell as string).matchAll(/`([A-Za-z_][\w]*)/g)].map(([, name]) => name as string),
      )
      .filter((name) => name !== "export");
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) expect(Object.keys(idkit), name).toContain(name);
  });
});

/** The first column's names of the Markdown table whose header's first cell is `header`, in `text`. */
function tableNames(text: string, header: string): string[] {
  const rows = text.split("\n");
  const start = rows.findIndex((row) => new RegExp(`^\\|\\s*${header}\\s*\\|`).test(row));
  expect(start, `a table headed "${header}"`).toBeGreaterThanOrEqual(0);
  const names: string[] = [];
  for (const row of rows.slice(start + 2)) {
    if (!row.startsWith("|")) break;
    const cell = row.split("|")[1] as string;
    for (const [, name] of cell.matchAll(/`([A-Za-z_$][\w$]*)/g)) names.push(name as string);
  }
  return names;
}

/** The names a source file exports (values and types), read by the TypeScript compiler. */
function exportedNames(file: string): string[] {
  const path = fileURLToPath(new URL(file, import.meta.url));
  const program = ts.createProgram([path], {
    strict: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(path);
  expect(source, file).toBeDefined();
  return checker
    .getExportsOfModule(checker.getSymbolAtLocation(source as ts.SourceFile) as ts.Symbol)
    .map((s) => s.name);
}

/** The property names of an exported interface or type of a source file, read by the TypeScript compiler. */
function propertiesOf(file: string, typeName: string): string[] {
  const path = fileURLToPath(new URL(file, import.meta.url));
  const program = ts.createProgram([path], {
    strict: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(path);
  expect(source, file).toBeDefined();
  const exported = checker.getExportsOfModule(
    checker.getSymbolAtLocation(source as ts.SourceFile) as ts.Symbol,
  );
  const symbol = exported.find((s) => s.name === typeName);
  expect(symbol, typeName).toBeDefined();
  const type = checker.getDeclaredTypeOfSymbol(symbol as ts.Symbol);
  return checker.getPropertiesOfType(type).map((p) => p.name);
}

describe("README names every type the package exports", () => {
  it("idkit's types in its standalone exports, idkit/passwords' in its section", () => {
    for (const [file, title] of [
      ["../src/index.ts", "### Standalone exports"],
      ["../src/passwords/index.ts", "### `idkit/passwords`"],
    ] as const) {
      const text = section(title);
      // IdentityManager has its own section.
      const missing = exportedNames(file).filter(
        (name) => name !== "IdentityManager" && !new RegExp(`\`${name}[\`<(]`).test(text),
      );
      expect(missing, file).toEqual([]);
    }
  });
});

describe("README's IdentityManager section matches the class", () => {
  const manager = section("### `new IdentityManager<Traits>(options?)`");

  it("lists every public method and getter of IdentityManager, and nothing else", () => {
    // Its own prototype and its base classes' (the API key methods live in one), up to Object.prototype.
    const members: string[] = [];
    for (let p = idkit.IdentityManager.prototype; p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      members.push(...Object.getOwnPropertyNames(p).filter((name) => name !== "constructor"));
    }
    expect(members).toContain("createApiKey");
    expect(members).toContain("authenticatePassword");
    expect([...new Set(tableNames(manager, "method"))].sort()).toEqual(members.sort());
  });

  it("lists every option of IdentityManagerOptions, and nothing else", () => {
    const options = propertiesOf("../src/identity-manager-config.ts", "IdentityManagerOptions");
    expect(options).toContain("secrets");
    expect(tableNames(manager, "option").sort()).toEqual(options.sort());
  });
});
