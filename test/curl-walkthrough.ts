// The curl walkthrough of docs/http.md as data: its steps, a replay of one curl command line (through fetch, or
// through the real curl), and a comparison of a response with the one pasted in the docs that ignores only what
// changes from run to run (ids, timestamps, tokens, the port).
import { execFile } from "node:child_process";

/** Where the docs' commands send their requests. */
export const DOCS_BASE = "http://127.0.0.1:4434";

/** One curl command of the docs and the response printed after it. */
export interface Step {
  /** 1-based line of the command in the markdown file. */
  line: number;
  command: string;
  status: number;
  /** The pasted body (parsed JSON), or undefined when the docs show none. */
  body: unknown;
}

/** The curl steps run against one server, started with `env` (`VAR=value npm run example:admin-server`). */
export interface Group {
  env: Record<string, string>;
  steps: Step[];
}

/**
 * The groups of a markdown walkthrough: each ```sh block running `npm run example:admin-server` starts a group,
 * each ```sh or ```bash block starting with `curl` is a step of the current group. After a step, a line holding
 * `Response (`NNN ...`)` gives the status and the next ```json block, if it comes before the next command, the body.
 */
export function walkthrough(markdown: string): Group[] {
  const lines = markdown.split("\n");
  const groups: Group[] = [];
  let pending: Step | undefined;
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w*)\s*$/.exec(lines[i] ?? "");
    const status = /Response \(`(\d{3})\b/.exec(lines[i] ?? "");
    if (status && pending) pending.status = Number(status[1]);
    if (!fence) continue;
    const start = i;
    const text: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] ?? ""); i++) text.push(lines[i] ?? "");
    const block = text.join("\n").trim();
    if (fence[1] === "json" && pending) {
      pending.body = JSON.parse(block);
      pending = undefined;
    } else if ((fence[1] === "sh" || fence[1] === "bash") && block.startsWith("curl ")) {
      const group = groups.at(-1);
      if (!group) throw new Error(`docs line ${start + 1}: a curl command before the server is started`);
      pending = { line: start + 2, command: block, status: 0, body: undefined };
      group.steps.push(pending);
    } else if ((fence[1] === "sh" || fence[1] === "bash") && block.includes("npm run example:admin-server")) {
      const env = Object.fromEntries([...block.matchAll(/\b([A-Z_]+)=(\S+)/g)].map((m) => [m[1], m[2]]));
      groups.push({ env, steps: [] });
      pending = undefined;
    } else pending = undefined;
  }
  return groups.filter((g) => g.steps.length > 0);
}

/** Splits a POSIX shell command line into words: quotes, backslash-newline, `$VAR` / `${VAR}` from `env`. */
export function shellWords(command: string, env: Record<string, string | undefined>): string[] {
  const words: string[] = [];
  let word: string | undefined;
  const variable = /^\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/;
  for (let i = 0; i < command.length; i++) {
    const c = command[i] as string;
    if (c === "\\" && command[i + 1] === "\n") i++;
    else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) throw new Error("unterminated '");
      word = (word ?? "") + command.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      word ??= "";
      for (i++; command[i] !== '"'; i++) {
        if (i >= command.length) throw new Error('unterminated "');
        const v = variable.exec(command.slice(i));
        if (command[i] === "\\" && /["\\$`]/.test(command[i + 1] ?? "")) word += command[++i];
        else if (v) {
          word += env[v[1] ?? v[2] ?? ""] ?? "";
          i += v[0].length - 1;
        } else if (command[i] === "`") throw new Error("command substitution is not supported");
        else word += command[i];
      }
    } else if (c === "$" && variable.test(command.slice(i))) {
      const v = variable.exec(command.slice(i)) as RegExpExecArray;
      word = (word ?? "") + (env[v[1] ?? v[2] ?? ""] ?? "");
      i += v[0].length - 1;
    } else if (/[|;&<>()`]/.test(c)) throw new Error(`shell operator ${c} is not supported`);
    else word = (word ?? "") + (c === "\\" ? (command[++i] ?? "") : c);
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** What a replay returned. */
export interface Reply {
  status: number;
  text: string;
}

/**
 * Replays a curl command line with fetch. Understands the options the docs use — `-X/--request`,
 * `-H/--header`, `-d/--data/--data-raw`, `-s`, `-S`, `-L` and their bundles (`-sL`) — and refuses any other.
 */
export async function replayWithFetch(
  command: string,
  env: Record<string, string | undefined>,
): Promise<Reply> {
  const [curl, ...args] = shellWords(command, env);
  if (curl !== "curl") throw new Error(`not a curl command: ${command}`);
  let method: string | undefined;
  let body: string | undefined;
  let url: string | undefined;
  let follow = false;
  const headers = new Headers();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === "-X" || arg === "--request") method = value();
    else if (arg === "-H" || arg === "--header") {
      const h = value();
      const colon = h.indexOf(":");
      headers.set(h.slice(0, colon).trim(), h.slice(colon + 1).trim());
    } else if (arg === "-d" || arg === "--data" || arg === "--data-raw")
      body = (body ? `${body}&` : "") + value();
    else if (arg === "--location") follow = true;
    else if (/^-[sSL]+$/.test(arg)) follow ||= arg.includes("L");
    else if (arg === "--silent" || arg === "--show-error") {
    } else if (arg.startsWith("-")) throw new Error(`curl option ${arg} is not replayed`);
    else if (url === undefined) url = arg;
    else throw new Error(`a second URL: ${arg}`);
  }
  if (url === undefined) throw new Error(`no URL in ${command}`);
  if (body !== undefined && !headers.has("content-type")) {
    headers.set("content-type", "application/x-www-form-urlencoded");
  }
  const response = await fetch(url, {
    method: method ?? (body === undefined ? "GET" : "POST"),
    headers,
    redirect: follow ? "follow" : "manual",
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, text: await response.text() };
}

/** Runs a curl command line through `sh` and the real curl (status from `--write-out`). */
export function replayWithCurl(command: string, env: Record<string, string | undefined>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    execFile(
      "sh",
      ["-c", `${command} --write-out '\\n%{http_code}'`],
      { env: { PATH: process.env.PATH, ...env } },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${error.message}\n${stderr}`));
        const cut = stdout.lastIndexOf("\n");
        resolve({ status: Number(stdout.slice(cut + 1)), text: stdout.slice(0, cut) });
      },
    );
  });
}

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?Z";
const TOKEN = "[A-Za-z0-9_-]+";
/** What differs between runs inside a string: an id, a timestamp, a link's token. */
const PARTS = new RegExp(`(${UUID})|(${TIME})|([?&]token=)${TOKEN}`, "g");
/** Keys whose whole value differs between runs (a fresh one-time code). */
const VOLATILE_KEYS = new Set(["recovery_code"]);

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A pattern matching `pasted` with its volatile parts replaced, and the pasted ids in capture order. */
function pattern(pasted: string): { regex: RegExp; ids: string[] } {
  let source = "";
  let last = 0;
  const ids: string[] = [];
  for (const m of pasted.matchAll(PARTS)) {
    source += literal(pasted.slice(last, m.index));
    if (m[1]) {
      source += `(${UUID})`;
      ids.push(m[1]);
    } else if (m[2]) source += TIME;
    else source += `${literal(m[3] ?? "")}${TOKEN}`;
    last = m.index + m[0].length;
  }
  return { regex: new RegExp(`^${source}${literal(pasted.slice(last))}$`), ids };
}

/**
 * Compares a response body with the pasted one: the same JSON except for timestamps, tokens and one-time codes,
 * and the pasted ids, which must map one-to-one onto the actual ones (recorded in `ids`, pasted → actual, so
 * the commands that follow can be rewritten). Returns the differences as JSON pointers with an explanation.
 */
export function compare(pasted: unknown, actual: unknown, ids: Map<string, string>, pointer = ""): string[] {
  if (typeof pasted === "string" && typeof actual === "string") {
    if (VOLATILE_KEYS.has(pointer.split("/").at(-1) ?? "")) return [];
    const { regex, ids: pastedIds } = pattern(pasted);
    const match = regex.exec(actual);
    if (!match) return [`${pointer}: ${JSON.stringify(actual)} does not match ${JSON.stringify(pasted)}`];
    return pastedIds.flatMap((id, k) => {
      const got = match[k + 1] as string;
      const known = ids.get(id);
      ids.set(id, known ?? got);
      return known === undefined || known === got ? [] : [`${pointer}: ${id} stood for ${known}, now ${got}`];
    });
  }
  if (Array.isArray(pasted) && Array.isArray(actual)) {
    if (pasted.length !== actual.length)
      return [`${pointer}: ${actual.length} items, docs show ${pasted.length}`];
    return pasted.flatMap((p, k) => compare(p, actual[k], ids, `${pointer}/${k}`));
  }
  if (isObject(pasted) && isObject(actual)) {
    const keys = [...new Set([...Object.keys(pasted), ...Object.keys(actual)])];
    return keys.flatMap((k) =>
      k in pasted && k in actual
        ? compare(pasted[k], actual[k], ids, `${pointer}/${k}`)
        : [`${pointer}/${k}: ${k in pasted ? "missing from the response" : "not in the docs"}`],
    );
  }
  return Object.is(pasted, actual)
    ? []
    : [`${pointer}: ${JSON.stringify(actual)}, docs show ${JSON.stringify(pasted)}`];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
