import { createHash, timingSafeEqual } from "node:crypto";
import { IdentityError } from "../errors/index.js";

const TOKEN = /^[\x21-\x7e]{16,4096}$/;

/**
 * An `authorize` function (for `createAdminHandler`) that admits requests carrying
 * `Authorization: Bearer <token>` and refuses every other request with 401. The comparison runs in constant time
 * (SHA-256 digests of both sides through `timingSafeEqual`), whatever the presented value's length.
 *
 * Fails closed: a missing, empty or short token (an unset `process.env.ADMIN_TOKEN`, an `.env` line
 * `ADMIN_TOKEN=`) throws at start-up instead of admitting `Bearer undefined` or `Bearer `.
 * @param token 16 to 4096 visible ASCII characters (no spaces).
 * @throws IdentityError `invalid_configuration` for any other value.
 */
export function bearerAuthorizer(token: unknown): (request: Request) => boolean {
  if (typeof token !== "string" || !TOKEN.test(token)) {
    throw new IdentityError("invalid_configuration", {
      reason: "bearerAuthorizer needs a token of 16 to 4096 visible ASCII characters (is ADMIN_TOKEN set?)",
    });
  }
  const expected = createHash("sha256").update(token).digest();
  return (request) => {
    const match = /^Bearer +(\S+) *$/i.exec(request.headers.get("authorization") ?? "");
    const presented = createHash("sha256")
      .update(match?.[1] ?? "")
      .digest();
    return timingSafeEqual(presented, expected) && match !== null;
  };
}
