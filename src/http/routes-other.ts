import { ValidationError } from "../index.js";
import { readJsonBody } from "./body.js";
import { pageLinkHeaders, parsePagePagination, queryValues } from "./pagination.js";
import { httpError, jsonResponse, notify } from "./responses.js";
import type { Route } from "./routes-identities.js";

/** How long `GET /health/ready` waits for the store before answering 503, in milliseconds. */
const READY_TIMEOUT_MS = 2000;

/**
 * The recovery routes (`selfservice/strategy/link` and `code`, admin side), the schema routes (`schema/handler.go`)
 * and the health checks (`oryx/healthx`).
 */

const json = (status: number, value: unknown, headers?: Record<string, string>) =>
  jsonResponse(status, JSON.stringify(value), headers);

/**
 * `flow_type` of a recovery code body: Kratos accepts `browser` (the default) and `api`; the flow's type does not
 * change what idkit issues, so a valid one is dropped before the library sees the body.
 * @throws ValidationError with Kratos's reason for another value
 */
function withoutFlowType(body: unknown): unknown {
  if (body === null || typeof body !== "object" || Array.isArray(body) || !Object.hasOwn(body, "flow_type")) {
    return body;
  }
  const { flow_type: flowType, ...rest } = body as Record<string, unknown>;
  if (flowType !== null && flowType !== "browser" && flowType !== "api") {
    const reason = `Value from "flow_type" is not valid: ${JSON.stringify(String(flowType))}`;
    throw new ValidationError([{ pointer: "/flow_type", code: "invalid_enum_value", message: reason }], {
      reason,
    });
  }
  return rest;
}

export const RECOVERY_ROUTES: readonly Route[] = [
  {
    method: "POST",
    path: "/recovery/link",
    async handle(c, { idm, options }) {
      const read = await readJsonBody(c.req.raw, options.bodyLimit);
      if (!read.ok) return read.response;
      return json(200, await idm.createRecoveryLink(read.value as never));
    },
  },
  {
    method: "POST",
    path: "/recovery/code",
    async handle(c, { idm, options }) {
      const read = await readJsonBody(c.req.raw, options.bodyLimit);
      if (!read.ok) return read.response;
      return json(201, await idm.createRecoveryCode(withoutFlowType(read.value) as never));
    },
  },
];

export const SCHEMA_ROUTES: readonly Route[] = [
  {
    method: "GET",
    path: "/schemas",
    async handle(c, { idm }) {
      const url = new URL(c.req.url);
      const values = queryValues(url);
      const { page, perPage } = parsePagePagination(values);
      const all = idm.schemas.list();
      const slice = all.slice(page * perPage, (page + 1) * perPage);
      const body = slice.map((s) => ({ id: s.id, schema: s.schema }));
      return json(200, body, pageLinkHeaders(url.pathname, values, all.length, page, perPage));
    },
  },
  {
    method: "GET",
    path: "/schemas/:id",
    async handle(c, { idm }) {
      const id = c.req.param("id") ?? "";
      const found = idm.schemas.get(id);
      if (found === undefined) return httpError(404, `Identity schema \`${id}\` could not be found.`);
      return json(200, found.schema);
    },
  },
];

/**
 * A failed readiness check. Kratos (`healthx.Ready` on its admin port, errors not shared) writes herodot's envelope
 * of its `swaggerNotReadyStatus` with this message, under a 503 but with `code: 500` in the body; idkit puts 503
 * in both.
 */
const NOT_READY = {
  error: {
    code: 503,
    status: "Service Unavailable",
    message: "error may contain sensitive information and was obfuscated",
  },
};

export const HEALTH_ROUTES: readonly Route[] = [
  {
    method: "GET",
    path: "/health/alive",
    handle: async () => json(200, { status: "ok" }),
  },
  {
    method: "GET",
    path: "/health/ready",
    async handle(c, { idm, options }) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        // A store that hangs (a lock, an exhausted pool) is not ready either: answer 503 within the timeout.
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("readiness check timed out")), READY_TIMEOUT_MS);
        });
        await Promise.race([idm.listIdentities({ pageSize: 1 }), timeout]);
      } catch (e) {
        notify(options.onError && ((error) => options.onError?.(error, c.req.raw)), e);
        return json(503, NOT_READY);
      } finally {
        clearTimeout(timer);
      }
      return json(200, { status: "ok" });
    },
  },
];
