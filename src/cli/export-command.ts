import { createWriteStream } from "node:fs";
import { resolve } from "node:path";
import type { Credential, CredentialsType, Identity } from "../identity/identity.js";
import { IdentityManager } from "../identity-manager.js";
import { CliError, describe, EXIT } from "./errors.js";
import type { CliIo } from "./io.js";
import { createProgress } from "./progress.js";
import { loadConfig } from "./setup.js";

export interface ExportFlags {
  includeCredentials: boolean;
  output?: string;
  pageSize: number;
  config?: string;
  databaseUrl?: string;
  dbSchema?: string;
  progressInterval: number;
}

/** Credentials exported always: account links, which hold no secret (`initial_*` tokens are left out). */
const LINKS: readonly CredentialsType[] = ["oidc", "saml"];
/** Credentials exported with `--include-credentials`: secrets (password hashes, TOTP seeds, codes, keys). */
const SECRETS: readonly CredentialsType[] = ["password", "totp", "lookup_secret", "webauthn", "passkey"];

type Body = Record<string, unknown>;

function providers(credential: Credential, withAutoLink: boolean): Body[] {
  const list = ((credential.config as { providers?: Body[] } | undefined)?.providers ?? []) as Body[];
  return list.map((p) => ({
    provider: p.provider,
    subject: p.subject,
    ...(p.organization ? { organization: p.organization } : {}),
    ...(withAutoLink && p.use_auto_link === true ? { use_auto_link: true } : {}),
  }));
}

/** The credentials of an import body that recreate `identity`'s (those `include` names). */
function credentialsBody(identity: Identity, include: readonly CredentialsType[]): Body | undefined {
  const out: Body = {};
  for (const [type, credential] of Object.entries(identity.credentials ?? {}) as [
    CredentialsType,
    Credential,
  ][]) {
    if (!include.includes(type)) continue;
    const config = (credential.config ?? {}) as Body;
    if (type === "password") {
      if (typeof config.hashed_password === "string" && config.hashed_password !== "")
        out.password = { config: { hashed_password: config.hashed_password } };
      else if (config.use_password_migration_hook === true)
        out.password = { config: { use_password_migration_hook: true } };
    } else if (type === "oidc" || type === "saml") {
      const list = providers(credential, type === "oidc");
      if (list.length > 0) out[type] = { config: { providers: list } };
    } else if (type === "totp") {
      if (typeof config.totp_url === "string" && config.totp_url !== "")
        out.totp = { config: { totp_url: config.totp_url } };
    } else if (type === "lookup_secret") {
      const codes = (Array.isArray(config.recovery_codes) ? config.recovery_codes : []) as Body[];
      if (codes.length > 0)
        out.lookup_secret = {
          config: {
            codes: codes.map((c) => ({ code: c.code, ...(c.used_at ? { used_at: c.used_at } : {}) })),
          },
        };
    } else if (type === "webauthn" || type === "passkey") {
      const keys = Array.isArray(config.credentials) ? config.credentials : [];
      if (keys.length > 0)
        out[type] = {
          config: {
            credentials: keys,
            ...(typeof config.user_handle === "string" && config.user_handle !== ""
              ? { user_handle: config.user_handle }
              : {}),
          },
        };
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * An identity as a create body that `importIdentities` (or `idkit import --from idkit`) turns back into the same
 * identity: its `id` (idkit's extension of the create body), state, schema, traits, metadata, addresses with
 * their verified state, external and organization ids, and the credentials `include` names. Timestamps and the
 * addresses' row ids are not carried: the import stamps its own.
 */
export function exportBody(identity: Identity, include: readonly CredentialsType[]): Body {
  const body: Body = {
    id: identity.id,
    schema_id: identity.schema_id,
    state: identity.state,
    traits: identity.traits,
  };
  if (identity.verifiable_addresses?.length)
    body.verifiable_addresses = identity.verifiable_addresses.map((a) => ({
      value: a.value,
      verified: a.verified,
      via: a.via,
      status: a.status,
      ...(a.verified_at ? { verified_at: a.verified_at } : {}),
    }));
  if (identity.recovery_addresses?.length)
    body.recovery_addresses = identity.recovery_addresses.map((a) => ({ value: a.value, via: a.via }));
  if (identity.metadata_public !== null && identity.metadata_public !== undefined)
    body.metadata_public = identity.metadata_public;
  if (identity.metadata_admin !== null && identity.metadata_admin !== undefined)
    body.metadata_admin = identity.metadata_admin;
  if (identity.external_id) body.external_id = identity.external_id;
  if (identity.organization_id) body.organization_id = identity.organization_id;
  const credentials = credentialsBody(identity, include);
  if (credentials !== undefined) body.credentials = credentials;
  return body;
}

async function writeOut(stream: CliIo["stdout"], text: string): Promise<void> {
  if (stream.write(text) === false && typeof stream.once === "function")
    await new Promise<void>((resolve) => stream.once?.("drain", resolve));
}

/** `idkit export`: every identity, page by page (keyset), as NDJSON create bodies. Resolves to the exit code. */
export async function exportCommand(flags: ExportFlags, io: CliIo): Promise<number> {
  const config = await loadConfig(flags.config, io.cwd);
  const include = flags.includeCredentials ? [...LINKS, ...SECRETS] : LINKS;
  const database = await io.openDatabase({ url: flags.databaseUrl, schema: flags.dbSchema, migrate: false });
  let out: CliIo["stdout"] = io.stdout;
  let file: ReturnType<typeof createWriteStream> | undefined;
  const progress = createProgress(io.stderr, { label: "export", intervalMs: flags.progressInterval * 1000 });
  let count = 0;
  try {
    let idm: IdentityManager<unknown>;
    try {
      idm = new IdentityManager<unknown>({ ...config.manager, storage: database.storage });
    } catch (e) {
      throw new CliError(`invalid --config: ${describe(e)}`);
    }
    if (flags.output !== undefined) {
      file = createWriteStream(resolve(io.cwd, flags.output));
      await new Promise<void>((res, rej) => {
        file?.once("open", () => res()).once("error", rej);
      }).catch((e: unknown) => {
        throw new CliError(`cannot write ${flags.output}: ${describe(e)}`);
      });
      out = file;
    }
    let pageToken: string | undefined;
    do {
      let page: Awaited<ReturnType<IdentityManager<unknown>["listIdentities"]>>;
      try {
        page = await idm.listIdentities({ pageSize: flags.pageSize, pageToken, includeCredentials: include });
      } catch (e) {
        throw new CliError(`reading identities failed: ${describe(e)}`, EXIT.stopped);
      }
      const text = page.identities
        .map((i) => `${JSON.stringify(exportBody(i as Identity, include))}\n`)
        .join("");
      await writeOut(out, text);
      count += page.identities.length;
      progress.update({ records: count });
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined && !io.signal.aborted);
  } finally {
    progress.stop();
    if (file !== undefined) await new Promise<void>((res) => file?.end(() => res()));
    await database.close();
  }
  if (io.signal.aborted) {
    io.stderr.write(`idkit export: interrupted after ${count} identities\n`);
    return EXIT.interrupted;
  }
  io.stderr.write(
    `idkit export: ${count} identities${flags.includeCredentials ? " (with credentials)" : ""}\n`,
  );
  return EXIT.ok;
}
