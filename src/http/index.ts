/**
 * `idkit/http`: Kratos's admin HTTP API as a Web-standard handler (`(request: Request) => Promise<Response>`),
 * built on Hono, for Hono, Next.js route handlers, Bun, Deno and Node (`@hono/node-server`). See
 * `docs/http-api.md`.
 *
 * @module
 */

export { bearerAuthorizer } from "./bearer.js";
export { type AdminHandler, createAdminHandler } from "./handler.js";
export type { AdminHandlerOptions, AuthorizeResult } from "./options.js";
export type { AdminErrorEnvelope, HttpErrorEnvelope } from "./responses.js";
