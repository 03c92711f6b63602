import type { CreateIdentityBody } from "../identity/payloads.js";
import { readOptions } from "./body.js";
import {
  at,
  guarded,
  isObj,
  mapTraits,
  type Obj,
  optArray,
  optBool,
  optObject,
  optString,
  recordObject,
  unconvertible,
} from "./record.js";
import type { ConvertOptions } from "./types.js";

type Body = CreateIdentityBody & Record<string, unknown>;

/** Any 8-4-4-4-12 hex string, as Kratos (gofrs/uuid) and idkit's create body read ids. */
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** `verifiable_addresses[]` of a Kratos identity → the create body's (value, via, verified, status, verified_at). */
function verifiable(r: Obj): Body["verifiable_addresses"] {
  return (optArray(r, "verifiable_addresses") ?? []).map((a, i) => {
    const base = at("/verifiable_addresses", i);
    if (!isObj(a)) throw unconvertible(base, "an address must be an object");
    const value = optString(a, "value", base);
    if (value === undefined) throw unconvertible(at(base, "value"), "value is missing");
    const via = optString(a, "via", base) ?? "email";
    if (via !== "email" && via !== "sms") throw unconvertible(at(base, "via"), "via must be email or sms");
    const out: NonNullable<Body["verifiable_addresses"]>[number] = {
      value,
      via,
      verified: optBool(a, "verified", base) === true,
    };
    const status = optString(a, "status", base);
    if (status !== undefined) out.status = status.slice(0, 16);
    const verifiedAt = optString(a, "verified_at", base);
    if (verifiedAt !== undefined && out.verified) out.verified_at = verifiedAt;
    return out;
  });
}

function recovery(r: Obj): Body["recovery_addresses"] {
  return (optArray(r, "recovery_addresses") ?? []).map((a, i) => {
    const base = at("/recovery_addresses", i);
    if (!isObj(a)) throw unconvertible(base, "an address must be an object");
    const value = optString(a, "value", base);
    if (value === undefined) throw unconvertible(at(base, "value"), "value is missing");
    const via = optString(a, "via", base) ?? "email";
    if (via !== "email" && via !== "sms") throw unconvertible(at(base, "via"), "via must be email or sms");
    return { value, via };
  });
}

/** The password, OIDC and TOTP credentials of a Kratos identity (`include_credential=password`, `oidc`, `totp`). */
function credentials(r: Obj): Body["credentials"] {
  const all = optObject(r, "credentials");
  if (all === undefined) return undefined;
  const out: NonNullable<Body["credentials"]> = {};
  const password = optObject(all, "password", "/credentials");
  const config = password && optObject(password, "config", "/credentials/password");
  if (config !== undefined) {
    const base = "/credentials/password/config";
    const hashed = optString(config, "hashed_password", base);
    if (hashed !== undefined) out.password = { config: { hashed_password: hashed } };
    else if (optBool(config, "use_password_migration_hook", base) === true)
      out.password = { config: { use_password_migration_hook: true } };
  }
  const oidc = optObject(all, "oidc", "/credentials");
  const oidcConfig = oidc && optObject(oidc, "config", "/credentials/oidc");
  const providers = oidcConfig && optArray(oidcConfig, "providers", "/credentials/oidc/config");
  if (providers !== undefined && providers.length > 0) {
    out.oidc = {
      config: {
        providers: providers.map((p, i) => {
          const base = at("/credentials/oidc/config/providers", i);
          if (!isObj(p)) throw unconvertible(base, "a provider must be an object");
          const provider = optString(p, "provider", base);
          const subject = optString(p, "subject", base);
          if (provider === undefined || subject === undefined)
            throw unconvertible(base, "provider and subject are needed");
          const link: { provider: string; subject: string; organization?: string } = { provider, subject };
          const organization = optString(p, "organization", base);
          if (organization !== undefined) link.organization = organization;
          return link;
        }),
      },
    };
  }
  const totp = optObject(all, "totp", "/credentials");
  const totpConfig = totp && optObject(totp, "config", "/credentials/totp");
  const totpUrl = totpConfig && optString(totpConfig, "totp_url", "/credentials/totp/config");
  if (totpUrl !== undefined) out.totp = { config: { totp_url: totpUrl } };
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Converts one identity as Kratos's admin API returns it (`GET /admin/identities?include_credential=password`, or
 * `kratos list identities -f json`) to an idkit create body: its `id` (idkit's extension of the create body, so
 * the identity keeps its id and sessions or foreign keys of the app still point at it), schema id (unless `options.schemaId`), traits (or
 * `options.traits(record)`), state, verifiable addresses with their verified state and time, recovery addresses,
 * metadata, `external_id`, `organization_id`, and the password (hash or migration-hook flag), OIDC and TOTP
 * credentials. Other credential types (WebAuthn, passkeys, lookup secrets) are not in the admin API's output in an
 * importable form and are left out.
 *
 * @throws IdentityError `unconvertible_record` with `details.pointer` into the identity.
 */
export function fromKratos(record: unknown, options?: ConvertOptions): CreateIdentityBody {
  return guarded("kratos", () => {
    const o = readOptions(options);
    const r = recordObject("kratos", record);
    const traits = mapTraits(o.traits, r, () => {
      const t = optObject(r, "traits");
      if (t === undefined) throw unconvertible("/traits", "traits are missing");
      return t;
    });
    const body: Body = {};
    const id = optString(r, "id");
    if (id !== undefined) {
      if (!UUID.test(id)) throw unconvertible("/id", "id must be a UUID");
      body.id = id;
    }
    const schemaId = o.schemaId ?? optString(r, "schema_id");
    if (schemaId !== undefined) body.schema_id = schemaId;
    body.traits = traits;
    const creds = credentials(r);
    if (creds !== undefined) body.credentials = creds;
    const v = verifiable(r);
    if (v && v.length > 0) body.verifiable_addresses = v;
    const rec = recovery(r);
    if (rec && rec.length > 0) body.recovery_addresses = rec;
    const state = optString(r, "state");
    if (state !== undefined) {
      if (state !== "active" && state !== "inactive")
        throw unconvertible("/state", "state must be active or inactive");
      body.state = state;
    }
    for (const key of ["metadata_public", "metadata_admin"] as const) {
      const m = Object.hasOwn(r, key) ? r[key] : undefined;
      if (m !== undefined && m !== null) body[key] = m as Body[typeof key];
    }
    const externalId = optString(r, "external_id");
    if (externalId !== undefined) body.external_id = externalId;
    const organizationId = optString(r, "organization_id");
    if (organizationId !== undefined) body.organization_id = organizationId;
    return body;
  });
}
