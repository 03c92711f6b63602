#!/usr/bin/env node
/**
 * The npm registry this project's machines reach serves only the platform binaries they can run, so `npm install`
 * leaves the other platforms' optional packages (biome, rollup, @node-rs/bcrypt builds for win32, darwin, musl...)
 * out of package-lock.json, and `npm ci` then refuses the lock as out of sync. This script adds those entries back
 * with their `os` / `cpu` / `libc` constraints, so `npm ci` skips them on this platform without fetching anything.
 * Run it after `npm install` changes the lock: `node scripts/complete-lockfile.mjs`.
 */
import { readFileSync, writeFileSync } from "node:fs";

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(path, "utf8"));
const packages = lock.packages;
const OS = [
  "android",
  "darwin",
  "freebsd",
  "linux",
  "win32",
  "openbsd",
  "openharmony",
  "netbsd",
  "sunos",
  "aix",
];
const CPU = {
  arm64: "arm64",
  x64: "x64",
  ia32: "ia32",
  arm: "arm",
  loong64: "loong64",
  ppc64: "ppc64",
  riscv64: "riscv64",
  s390x: "s390x",
};

function constraints(name) {
  const tokens = name.split("/").pop().split("-");
  const os = tokens.find((t) => OS.includes(t));
  const cpu = tokens.map((t) => CPU[t]).find(Boolean);
  if (!os || !cpu) return undefined;
  const out = { os: [os], cpu: [cpu] };
  if (os === "linux") out.libc = [tokens.some((t) => t.startsWith("musl")) ? "musl" : "glibc"];
  return out;
}

let added = 0;
for (const [key, entry] of Object.entries(packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const target = `node_modules/${dep}`;
    if (packages[target]) continue;
    const c = constraints(dep);
    if (!c) continue;
    packages[target] = { version, ...(entry.dev ? { dev: true } : {}), optional: true, ...c };
    added++;
  }
  void key;
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform entries`);
