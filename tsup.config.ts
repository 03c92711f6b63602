import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    testing: "src/testing/index.ts",
    postgres: "src/postgres/index.ts",
    http: "src/http/index.ts",
    passwords: "src/passwords/index.ts",
    migrate: "src/migrate/index.ts",
    cli: "src/cli/index.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  target: "node20",
  platform: "node",
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
});
