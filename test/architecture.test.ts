// The shape of src/ that ../shared/design.md draws, checked: imports between src/ folders run one way (down the
// layers below) and no file is over 300 lines. Imports are read with TypeScript's own pre-processor, so `import`,
// `import type`, `export ... from` and dynamic `import()` all count.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

/**
 * The layers, lowest first. A module may import its own layer and any layer below it, never one above, and never a
 * different layer of the same rank (peers stay independent, so no cycle can form between them). Type-only imports
 * count too: a type names the concept it comes from, and the design forbids a low module from knowing a high one
 * (a type both sides need moves down, as `identity/extension.ts` did for the schema extension's hits).
 *
 * - `identity-manager-config.ts` holds the options and result types the services implement and imports nothing
 *   above them, so it belongs to the `services/` layer (the facade re-exports it).
 * - A top-level folder or root file not listed here is an entry point (a subpath such as `idkit/passwords`): it may
 *   import anything, and nothing listed may import it.
 */
const LAYERS: readonly (readonly string[])[] = [
  ["errors"],
  ["json"],
  ["identity"],
  ["addresses"],
  ["schema", "credentials"],
  ["storage"],
  ["recovery"],
  ["services"],
  ["identity-manager.ts"],
  ["index.ts"],
  ["http", "postgres", "testing"],
];
const ENTRY_RANK = LAYERS.length;
/** Root files that belong to a folder's layer. */
const MEMBERS: Readonly<Record<string, string>> = {
  "identity-manager-config.ts": "services",
  // The facade's API key methods, in a base class of their own (the facade stays under 300 lines).
  "identity-manager-keys.ts": "identity-manager.ts",
};

/** The layer a path under src/ belongs to: its top-level folder, or the file's own name at the root. */
function unitOf(path: string): string {
  const [first, ...rest] = relative(SRC, path).split(/[\\/]/);
  if (rest.length > 0) return first as string;
  const file = (first as string).replace(/\.js$/, ".ts");
  return MEMBERS[file] ?? file;
}
function rankOf(unit: string): number {
  const rank = LAYERS.findIndex((layer) => layer.includes(unit));
  return rank < 0 ? ENTRY_RANK : rank;
}
/** True when `from` may not import `to`: `to` is a layer above, or a peer of the same rank. */
function crosses(from: string, to: string): boolean {
  if (from === to) return false;
  const [a, b] = [rankOf(from), rankOf(to)];
  return b > a || (b === a && b !== ENTRY_RANK);
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(?:ts|mts|cts|mjs|js)$/.test(entry.name) ? [path] : [];
  });
}
const production = (path: string) => /\.ts$/.test(path) && !/\.test(?:-d)?\.ts$/.test(path);

/** Every relative import of a file, resolved to a path under src/. */
function importsOf(path: string): { target: string; line: number }[] {
  const text = readFileSync(path, "utf8");
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles
    .filter((ref) => ref.fileName.startsWith("."))
    .map((ref) => ({
      target: resolve(dirname(path), ref.fileName),
      line: text.slice(0, ref.pos).split("\n").length,
    }));
}

/** The imports that go up a layer or sideways to a peer, as `from:line → to`. */
function violations(files: readonly string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const from = unitOf(file);
    for (const { target, line } of importsOf(file)) {
      const to = unitOf(target);
      if (!to.startsWith("..") && crosses(from, to)) {
        found.push(
          `${relative(SRC, file)}:${line} → ${relative(SRC, target)} (${from} may not import ${to})`,
        );
      }
    }
  }
  return found;
}

describe("architecture (../shared/design.md)", () => {
  const files = sources(SRC);

  it("reads the imports it checks (the scanner sees every kind of import)", () => {
    const imports = importsOf(join(SRC, "identity-manager.ts")).map(({ target }) => relative(SRC, target));
    expect(imports).toContain("services/identity-writes.js");
    expect(imports).toContain("schema/schema-registry.js"); // an `import type`
    expect(importsOf(join(SRC, "index.ts")).length).toBeGreaterThan(10); // `export ... from`
  });

  it("catches an upward import, a peer import and an import of an entry point", () => {
    const probe = (unit: string, spec: string) => ({ file: join(SRC, unit, "probe.ts"), spec });
    const check = ({ file, spec }: { file: string; spec: string }) =>
      crosses(unitOf(file), unitOf(resolve(dirname(file), spec)));
    expect(check(probe("identity", "../storage/storage-adapter.js"))).toBe(true);
    expect(check(probe("addresses", "../schema/kratos-extension.js"))).toBe(true);
    expect(check(probe("schema", "../credentials/password/index.js"))).toBe(true);
    expect(check(probe("services", "../passwords/index.js"))).toBe(true);
    expect(check(probe("services", "../identity-manager.js"))).toBe(true);
    expect(check(probe("storage", "../identity/identity.js"))).toBe(false);
    expect(check(probe("services", "../identity-manager-config.js"))).toBe(false);
  });

  it("has no import between src/ folders that runs upward or sideways", () => {
    expect(violations(files.filter(production))).toEqual([]);
  });

  it("has no file over 300 lines under src/", () => {
    const long = files
      .map((file) => ({
        file: relative(SRC, file),
        lines: readFileSync(file, "utf8").split("\n").length - 1,
      }))
      .filter(({ lines }) => lines > 300)
      .map(({ file, lines }) => `${file}: ${lines} lines`);
    expect(long).toEqual([]);
  });
});
