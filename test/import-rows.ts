import type { CreateIdentityBody } from "../src/index.js";

/** Rows for the streaming import tests: create bodies and (a)synchronous sources of them. */

export const BCRYPT = {
  password: "123456",
  hash: "$2a$10$ZsCsoVQ3xfBG/K2z2XpBf.tm90GZmtOqtqWcB5.pYd5Eq8y7RlDyq",
};
export const ARGON2 = {
  password: "test",
  hash: "$argon2id$v=19$m=32,t=2,p=4$cm94YnRVOW5jZzFzcVE4bQ$MNzk5BtR2vUhrp6qQEjRNw",
};

export const person = (email: string, extra: Partial<CreateIdentityBody> = {}): CreateIdentityBody => ({
  schema_id: "preset://email",
  traits: { email },
  ...extra,
});
export const hashed = (email: string, hash: string) =>
  person(email, { credentials: { password: { config: { hashed_password: hash } } } });
export const clearText = (email: string, password = "a long enough passphrase 123") =>
  person(email, { credentials: { password: { config: { password } } } });

export function* syncSource(rows: unknown[]) {
  yield* rows;
}
export async function* asyncSource(rows: unknown[]) {
  for (const row of rows) {
    await new Promise((resolve) => setImmediate(resolve));
    yield row;
  }
}
