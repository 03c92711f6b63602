import type { CreateIdentityBody } from "../identity/payloads.js";
import { isObj, mapTraits, type Obj, own, unconvertible } from "./record.js";
import type { ConvertOptions } from "./types.js";

/** One link to a social sign-in provider, as the vendor names it. */
export interface SocialLink {
  provider: string;
  subject: string;
}

/** One address of the user and whether the vendor marked it verified. */
export interface Address {
  value: string;
  via: "email" | "sms";
  verified: boolean;
}

/** What a converter read from a vendor record, before the options apply. */
export interface Parts {
  record: Obj;
  /** The user's primary email, if any, and where it is in the record (for the error when it is required). */
  email?: string | undefined;
  emailPointer: string;
  addresses?: Address[] | undefined;
  hashedPassword?: string | undefined;
  links?: SocialLink[] | undefined;
  inactive?: boolean | undefined;
  externalId?: string | undefined;
  /** An `otpauth://totp/…` URL: the user's TOTP secret (Kratos's totp credential). */
  totpUrl?: string | undefined;
  metadataPublic?: Obj | undefined;
  metadataAdmin?: Obj | undefined;
}

/** Default OIDC provider ids for the vendors' names of the common social providers. */
const PROVIDERS: Readonly<Record<string, string>> = Object.freeze({
  "google-oauth2": "google",
  "google.com": "google",
  "facebook.com": "facebook",
  "github.com": "github",
  "apple.com": "apple",
  "twitter.com": "twitter",
  "microsoft.com": "microsoft",
  windowslive: "microsoft",
  "yahoo.com": "yahoo",
  "linkedin.com": "linkedin",
  oauth_google: "google",
  oauth_github: "github",
  oauth_facebook: "facebook",
  oauth_apple: "apple",
  oauth_microsoft: "microsoft",
  oauth_linkedin_oidc: "linkedin",
  oauth_discord: "discord",
  oauth_gitlab: "gitlab",
  azure: "microsoft",
});

/** The idkit provider id of a vendor's provider name (the user's mapping first, then the table, then the name). */
function providerId(name: string, options: ConvertOptions): string | undefined {
  if (options.oidcProvider !== undefined) {
    let mapped: unknown;
    try {
      mapped = options.oidcProvider(name);
    } catch {
      throw unconvertible("", "the oidcProvider mapping threw");
    }
    if (mapped === undefined) return undefined;
    if (typeof mapped !== "string" || mapped === "")
      throw unconvertible("", "the oidcProvider mapping must return a non-empty string or undefined");
    return mapped;
  }
  return own(PROVIDERS, name) ?? name;
}

/** The options, read once into a plain object (a hostile options value behaves as no options). */
export function readOptions(options: unknown): ConvertOptions {
  if (!isObj(options)) return {};
  const out: ConvertOptions = {};
  const { traits, schemaId, hashConfig, oidcProvider } = options as Record<string, unknown>;
  if (typeof traits === "function") out.traits = traits as NonNullable<ConvertOptions["traits"]>;
  if (typeof schemaId === "string" && schemaId !== "") out.schemaId = schemaId;
  if (isObj(hashConfig)) out.hashConfig = hashConfig;
  if (typeof oidcProvider === "function")
    out.oidcProvider = oidcProvider as NonNullable<ConvertOptions["oidcProvider"]>;
  return out;
}

/**
 * Builds the create body: traits (the user's mapping, else `{ email }`), the password hash, OIDC links (deduplicated),
 * the vendor's verified state of each address, state, external id and metadata.
 *
 * @throws IdentityError `unconvertible_record` when the default traits need an email the record lacks.
 */
export function buildBody(parts: Parts, options: ConvertOptions): CreateIdentityBody {
  const email = parts.email?.trim();
  const traits = mapTraits(options.traits, parts.record, () => {
    if (email === undefined || email === "")
      throw unconvertible(parts.emailPointer, "the record has no email, which the default traits need");
    return { email };
  });
  const body: CreateIdentityBody = {};
  if (options.schemaId !== undefined) body.schema_id = options.schemaId;
  body.traits = traits;
  const credentials: NonNullable<CreateIdentityBody["credentials"]> = {};
  if (parts.hashedPassword !== undefined)
    credentials.password = { config: { hashed_password: parts.hashedPassword } };
  const providers: { provider: string; subject: string }[] = [];
  const seen = new Set<string>();
  for (const link of parts.links ?? []) {
    const provider = providerId(link.provider, options);
    if (provider === undefined || link.subject === "") continue;
    const key = `${provider}:${link.subject}`;
    if (seen.has(key)) continue;
    seen.add(key);
    providers.push({ provider, subject: link.subject });
  }
  if (providers.length > 0) credentials.oidc = { config: { providers } };
  if (parts.totpUrl !== undefined) credentials.totp = { config: { totp_url: parts.totpUrl } };
  if (Object.keys(credentials).length > 0) body.credentials = credentials;
  const addresses = dedupeAddresses(parts.addresses ?? []);
  if (addresses.length > 0)
    body.verifiable_addresses = addresses.map((a) => ({
      value: a.value,
      via: a.via,
      verified: a.verified,
      status: a.verified ? "completed" : "pending",
    }));
  if (parts.inactive === true) body.state = "inactive";
  if (parts.externalId !== undefined) body.external_id = parts.externalId;
  if (parts.metadataPublic !== undefined && Object.keys(parts.metadataPublic).length > 0)
    body.metadata_public = parts.metadataPublic as CreateIdentityBody["metadata_public"];
  if (parts.metadataAdmin !== undefined && Object.keys(parts.metadataAdmin).length > 0)
    body.metadata_admin = parts.metadataAdmin as CreateIdentityBody["metadata_admin"];
  return body;
}

/** One entry per (via, value), values compared case-insensitively; verified wins over unverified. */
function dedupeAddresses(addresses: readonly Address[]): Address[] {
  const byKey = new Map<string, Address>();
  for (const a of addresses) {
    const value = a.value.trim();
    if (value === "") continue;
    const key = `${a.via}:${value.toLowerCase()}`;
    const prior = byKey.get(key);
    byKey.set(key, { value, via: a.via, verified: a.verified || prior?.verified === true });
  }
  return [...byKey.values()];
}
