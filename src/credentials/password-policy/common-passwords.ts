import { IdentityError } from "../../errors/index.js";

// The one piece of module state: the list, loaded on first use and never changed afterwards.
let list: Promise<ReadonlySet<string>> | undefined;

async function importList(): Promise<ReadonlySet<string>> {
  const mod = await import("@zxcvbn-ts/language-common");
  const words: unknown = mod.dictionary?.["passwords-common"];
  if (!Array.isArray(words) || words.length === 0) {
    throw new Error('@zxcvbn-ts/language-common has no "passwords-common" dictionary');
  }
  return new Set(words.filter((w): w is string => typeof w === "string"));
}

/**
 * The offline common-password list (zxcvbn-ts's `passwords-common`, about 49,000 lower-case entries), loaded on
 * the first call and shared afterwards. A failed load is not cached, so the next call tries again.
 *
 * @throws IdentityError `invalid_configuration` when the list cannot be loaded.
 */
export function loadCommonPasswords(): Promise<ReadonlySet<string>> {
  list ??= importList().catch((cause: unknown) => {
    list = undefined;
    throw new IdentityError("invalid_configuration", {
      reason: "The offline common-password list (@zxcvbn-ts/language-common) could not be loaded.",
      cause,
    });
  });
  return list;
}

/**
 * Loads the offline common-password list now instead of on the first password check (e.g. at server start).
 *
 * @throws IdentityError `invalid_configuration` when the list cannot be loaded.
 */
export async function preloadCommonPasswords(): Promise<void> {
  await loadCommonPasswords();
}

/** True when `password`, as given or lower-cased, is on the offline common-password list. */
export async function isCommonPassword(password: string): Promise<boolean> {
  const words = await loadCommonPasswords();
  return words.has(password) || words.has(password.toLowerCase());
}
