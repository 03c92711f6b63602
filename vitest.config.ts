import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^idkit$/, replacement: src("index.ts") },
      { find: /^idkit\/testing$/, replacement: src("testing/index.ts") },
      { find: /^idkit\/postgres$/, replacement: src("postgres/index.ts") },
      { find: /^idkit\/http$/, replacement: src("http/index.ts") },
      { find: /^idkit\/passwords$/, replacement: src("passwords/index.ts") },
      { find: /^idkit\/migrate$/, replacement: src("migrate/index.ts") },
    ],
  },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    setupFiles: ["test/setup/fail-on-console.ts"],
    testTimeout: 30_000,
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"] },
  },
});
