/** Sets the value at an RFC 6901 pointer inside `doc` (the containers on the way must exist). */
export function setAtPointer(doc: unknown, pointer: string, value: unknown): void {
  const tokens = pointer
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
  let node = doc as Record<string, unknown>;
  for (const t of tokens.slice(0, -1)) node = node[t] as Record<string, unknown>;
  node[tokens.at(-1) as string] = value;
}
