import { lazySchema } from "../json/lazy-zod.js";
import { markRawJson } from "./go-nulls.js";
import { IDENTITY_STATES, type IdentityState } from "./identity.js";
import { JsonValueSchema } from "./json-value.js";

/** Kratos's wording for a state other than `active` / `inactive` (`identity/identity.go` `State.IsValid`). */
export const INVALID_STATE_MESSAGE = "identity state is not valid";

/** `state` of create and update bodies: `active`, `inactive`, or `""` for the default (Go's zero value). */
export const state = lazySchema((z) =>
  z
    .unknown()
    .superRefine((value, ctx) => {
      if (value === "" || IDENTITY_STATES.includes(value as IdentityState)) return;
      ctx.addIssue({ code: "custom", message: INVALID_STATE_MESSAGE, params: { code: "invalid_state" } });
    })
    .transform((value) => (value === "" ? undefined : (value as IdentityState))),
);

/** Ory Network regions (`oryx/region/region.go` `All`). */
export const REGIONS: readonly string[] = Object.freeze([
  "eu-central",
  "asia-northeast",
  "us-east",
  "us-west",
  "eu",
  "asia",
  "us",
  "global",
]);
export const INVALID_REGION_REASON = "the provided region is not a valid Ory region";

/** `region` (Kratos `region.Region`): empty, or one of {@link REGIONS}. */
export const region = lazySchema((z) =>
  z.string().superRefine((value, ctx) => {
    if (value === "" || REGIONS.includes(value)) return;
    ctx.addIssue({
      code: "custom",
      message: `region must be one of ${REGIONS.join(", ")}`,
      params: { code: "invalid_region" },
    });
  }),
);

/** `traits`: any JSON but `null` (Kratos validates `null` against the schema's `type: object`). */
export const traits = lazySchema(() =>
  markRawJson(
    JsonValueSchema().superRefine((value, ctx) => {
      if (value === null) {
        ctx.addIssue({ code: "custom", message: "expected object, but got null", params: { code: "type" } });
      }
    }),
  ),
);

/**
 * The `region` of a create or update body when it names a valid region, else undefined. Kratos validates it and
 * returns it in the create and PUT responses, but OSS Kratos does not store it (`Identity.Region` is `db:"-"`,
 * `identity/identity.go`), so a later read does not carry it; idkit does the same. Never throws.
 */
export function requestedRegion(body: unknown): string | undefined {
  try {
    const value = (body as { region?: unknown } | null | undefined)?.region;
    return typeof value === "string" && REGIONS.includes(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Adds the body's valid `region` to a create or PUT response, as Kratos's handlers return the identity they bound
 * it to (`identity/handler.go` `create`, `update`); nothing is stored (see {@link requestedRegion}).
 */
export function echoRegion<T extends object>(identity: T, body: unknown): T {
  const value = requestedRegion(body);
  if (value !== undefined) (identity as T & { region?: string }).region = value;
  return identity;
}
