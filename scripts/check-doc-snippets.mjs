// Type-checks every ```ts block of README.md and docs/*.md against the BUILT type declarations, as a user's editor
// sees them (`npm run check:docs` builds first; CI runs this script right after its build step): `idkit` and its
// subpaths resolve through package.json's `exports` to dist/*.d.ts (the package's self-reference), not to src/.
// Each block becomes one module: its import lines stay at the top, the rest runs inside an async function (so
// top-level `await` and `return` read as they do in a route handler), except a block with a top-level `export`
// (a whole file, such as a Next.js route), which is checked as the module it is. Names a block uses without
// declaring them (`idm`, `body`, `token`, a schema, the integration guide's `sessionOptions`...) are given their
// obvious types, and nothing else.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const OUT = join(ROOT, ".doc-snippets");

if (!existsSync(join(ROOT, "dist/index.d.ts"))) {
  console.error("check:docs: the blocks compile against the built types: run `npm run build` first");
  process.exit(1);
}

/** What a snippet may use without declaring it. */
const AMBIENT = {
  idm: 'const idm = undefined as unknown as import("idkit").IdentityManager;',
  body: 'const body = undefined as unknown as import("idkit").CreateIdentityBody;',
  token: "const token = '';",
  schema: 'const schema = {} as import("idkit").JsonSchema;',
  mySchema: 'const mySchema = {} as import("idkit").JsonSchema;',
  employeeSchema: 'const employeeSchema = {} as import("idkit").JsonSchema;',
  SessionData: "interface SessionData { identityId?: string }",
  sessionOptions: 'const sessionOptions = undefined as unknown as import("iron-session").SessionOptions;',
  ADMIN_IDS: "const ADMIN_IDS = new Set<string>();",
};
const TYPES = [
  "StoredIdentity",
  "CredentialsType",
  "ListIdentitiesQuery",
  "StoredFlowToken",
  "FlowTokenKind",
  "CodeSubmission",
  "FlowTokenRedemption",
  "RedemptionOutcome",
  "InsertOutcome",
];

function blocks(file) {
  const lines = readFileSync(file, "utf8").split("\n");
  const out = [];
  let current;
  lines.forEach((line, i) => {
    if (current === undefined && /^\s*```ts\s*$/.test(line)) current = { line: i + 1, text: [] };
    else if (current !== undefined && /^\s*```\s*$/.test(line)) {
      out.push(current);
      current = undefined;
    } else if (current !== undefined) current.text.push(line);
  });
  return out;
}

const declares = (code, name) =>
  new RegExp(
    `(?:\\bimport\\b[^;]*\\b${name}\\b)|(?:\\b(?:const|let|var|function|interface|type|class)\\s+${name}\\b)`,
  ).test(code);

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT);
const files = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];
let count = 0;
for (const file of files) {
  for (const block of blocks(join(ROOT, file))) {
    const imports = block.text.filter((l) => /^import\s.*;\s*$/.test(l));
    const rest = block.text.filter((l) => !/^import\s.*;\s*$/.test(l)).join("\n");
    const code = block.text.join("\n");
    const ambient = [
      ...Object.entries(AMBIENT)
        .filter(([name]) => new RegExp(`\\b${name}\\b`).test(rest) && !declares(code, name))
        .map(([, decl]) => decl),
      ...TYPES.filter((name) => new RegExp(`\\b${name}\\b`).test(rest) && !declares(code, name)).map(
        (name) => `type ${name} = import("idkit").${name};`,
      ),
    ];
    const name = `${basename(file, ".md")}-${block.line}.ts`;
    const body = /^export\s/m.test(rest)
      ? `${ambient.join("\n")}\n${rest}\n`
      : `export async function snippet() {\n${ambient.join("\n")}\n${rest}\n}\n`;
    writeFileSync(join(OUT, name), `// ${file}:${block.line}\n${imports.join("\n")}\n${body}`);
    count++;
  }
}
writeFileSync(
  join(OUT, "tsconfig.json"),
  JSON.stringify({
    extends: "../tsconfig.json",
    compilerOptions: {
      noUnusedLocals: false,
      noUnusedParameters: false,
      noImplicitReturns: false,
      // No `paths`: the package's own name resolves through its `exports` to dist/*.d.ts.
      paths: {},
    },
    include: ["./*.ts"],
  }),
);
try {
  execFileSync(join(ROOT, "node_modules/.bin/tsc"), ["-p", OUT], { stdio: "inherit" });
} catch {
  console.error(
    `check:docs: a TypeScript block of the docs does not compile (see .doc-snippets/, one file a block)`,
  );
  process.exit(1);
}
console.log(`check:docs: ${count} TypeScript blocks of README.md and docs/ compile`);
