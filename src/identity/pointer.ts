/** Decodes one RFC 6901 reference token (`~1` → `/`, then `~0` → `~`, so `~01` stays `~1`). */
export function decodePointerToken(token: string): string {
  return token.indexOf("~") === -1 ? token : token.replace(/~1/g, "/").replace(/~0/g, "~");
}

/**
 * Splits an RFC 6901 JSON Pointer into its decoded reference tokens, iteratively and with at most `maxTokens`
 * tokens allocated, however long the pointer. `""` is the whole document (no tokens).
 * @returns the tokens; `"not_a_pointer"` when a non-empty pointer does not start with `/`; `"too_deep"` when it
 *   has more than `maxTokens` tokens.
 */
export function parsePointer(pointer: string, maxTokens: number): string[] | "not_a_pointer" | "too_deep" {
  if (typeof pointer !== "string") return "not_a_pointer";
  if (pointer === "") return [];
  if (pointer.charCodeAt(0) !== 0x2f) return "not_a_pointer";
  // split's limit bounds the work: a pointer with a million tokens allocates maxTokens + 1 of them.
  const raw = pointer.slice(1).split("/", maxTokens + 1);
  if (raw.length > maxTokens) return "too_deep";
  return raw.map(decodePointerToken);
}

/** Sets the value at an RFC 6901 pointer inside `doc` (the containers on the way must exist). */
export function setAtPointer(doc: unknown, pointer: string, value: unknown): void {
  const tokens = pointer.slice(1).split("/").map(decodePointerToken);
  let node = doc as Record<string, unknown>;
  for (const t of tokens.slice(0, -1)) node = node[t] as Record<string, unknown>;
  node[tokens.at(-1) as string] = value;
}
