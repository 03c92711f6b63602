// docs/http.md works as printed: every curl command of it, run in order against a fresh example server
// (examples/admin-server, started in-process on a free port), answers with the status and the body pasted after
// it — ids, timestamps, tokens and the port aside. Replayed with fetch (parsing the command line) always, and with
// the real curl through `sh` when curl is installed. The script entry itself starts, logs one line and stops.
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { optionsFromEnv, start } from "../examples/admin-server/server.js";
import {
  compare,
  DOCS_BASE,
  type Reply,
  replayWithCurl,
  replayWithFetch,
  walkthrough,
} from "./curl-walkthrough.js";

const docs = readFileSync(new URL("../docs/http.md", import.meta.url), "utf8");
const groups = walkthrough(docs);

const curlInstalled = (() => {
  try {
    execFileSync("curl", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe("the walkthrough of docs/http.md", () => {
  it("holds every curl command of the Kratos docs pages it follows", () => {
    const commands = groups.flatMap((g) => g.steps.map((s) => s.command)).join("\n");
    const seeds = [
      '"email": "foo@ory.sh"',
      '"expires_in": "12h"',
      '"email": "docs@example.org"',
      '"email": "docs-verify@example.org"',
      '"password": "the-password"',
      "$2a$10$ZsCsoVQ3xfBG/K2z2XpBf.tm90GZmtOqtqWcB5.pYd5Eq8y7RlDyq",
      "$argon2id$v=19$m=32,t=2,p=4$cm94YnRVOW5jZzFzcVE4bQ$MNzk5BtR2vUhrp6qQEjRNw",
      "$md5$CY9rzUYh03PK3k6DJie09g==",
      "$md5$pf=e1NBTFR9e1BBU1NXT1JEfQ==$MTIz$q+RdKCgc+ipCAcm5ChQwlQ==",
      "$pbkdf2-sha256$i=100000,l=32$1jP+5Zxpxgtee/iPxGgOz0RfE9/KJuDElP1ley4VxXc$",
      "$scrypt$ln=16384,r=8,p=1$ZtQva9xCHzlSELH/mA7Kj5KjH2tCrkbwYzdxknkL0QQ=$",
      "$firescrypt$ln=14,r=8,p=1$sPtDhWcd1MfdAw==$",
      '"provider": "github"',
    ];
    expect(seeds.filter((s) => !commands.includes(s))).toEqual([]);
    expect(groups.map((g) => g.steps.every((s) => s.status >= 200))).not.toContain(false);
    expect(groups.length).toBe(2); // memory without a token, then with ADMIN_TOKEN
  });

  const replays: [string, typeof replayWithFetch][] = [
    ["fetch", replayWithFetch],
    ["curl", replayWithCurl],
  ];
  for (const [name, replay] of replays) {
    it.skipIf(name === "curl" && !curlInstalled)(`answers as printed, replayed with ${name}`, async () => {
      for (const group of groups) {
        const server = await start({ ...optionsFromEnv(group.env), port: 0 });
        const ids = new Map<string, string>(); // pasted id → this run's id
        try {
          for (const step of group.steps) {
            let command = step.command.replaceAll(DOCS_BASE, server.url);
            for (const [pasted, actual] of ids) command = command.replaceAll(pasted, actual);
            const reply: Reply = await replay(command, { ADMIN_TOKEN: group.env.ADMIN_TOKEN });
            const text = reply.text.replaceAll(server.url, DOCS_BASE);
            const problems =
              step.body === undefined
                ? text === ""
                  ? []
                  : [`a body the docs do not show: ${text}`]
                : compare(step.body, JSON.parse(text), ids);
            expect({ line: step.line, status: reply.status, problems }).toEqual({
              line: step.line,
              status: step.status,
              problems: [],
            });
          }
        } finally {
          await server.close();
        }
      }
    });
  }

  it("the script entry (npm run example:admin-server): one line when ready, a clean exit on SIGTERM", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "examples/admin-server/server.ts"], {
      cwd: new URL("..", import.meta.url),
      env: { ...withoutToken(process.env), PORT: "0", DATABASE_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let out = "";
      const exit = new Promise<number | null>((resolve) => child.once("exit", resolve));
      const ready = new Promise<string>((resolve) => {
        const read = (d: Buffer) => {
          out += d;
          if (out.includes("\n")) resolve(out);
        };
        child.stdout.on("data", read);
        child.stderr.on("data", read);
      });
      const line = await Promise.race([ready, exit.then(() => `exited early: ${out}`)]);
      expect(line).toMatch(/^idkit admin API listening on http:\/\/127\.0\.0\.1:\d+ \(memory\)\n$/);
      const health = await fetch(`${/http:\S+\d/.exec(line)?.[0]}/health/alive`);
      expect(await health.json()).toEqual({ status: "ok" });
      child.kill("SIGTERM");
      expect(await exit).toBe(0);
      expect(out).toBe(line);
    } finally {
      child.kill("SIGKILL");
    }
  });
});

/** The environment without ADMIN_TOKEN (set but empty, it refuses to start: it never means "no auth"). */
function withoutToken(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { ADMIN_TOKEN: _drop, ...rest } = env;
  return rest;
}
