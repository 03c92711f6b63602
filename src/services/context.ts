import { MAX_PASSWORD_BYTES } from "../credentials/authenticate-password.js";
import { BCRYPT_MAX_PASSWORD_BYTES } from "../credentials/password/hashers/bcrypt.js";
import { createPasswordHasher, type PasswordHasher } from "../credentials/password/password-hasher.js";
import {
  createPasswordPolicy,
  PASSWORD_POLICY_OPTIONS,
  type PasswordPolicy,
  type PasswordPolicyOptions,
} from "../credentials/password-policy/index.js";
import { IdentityError } from "../errors/index.js";
import type { Identity, StoredIdentity } from "../identity/identity.js";
import { type CredentialsView, toIdentityJson } from "../identity/serialize.js";
import type { IdentityManagerOptions } from "../identity-manager-config.js";
import { readConfiguration, settleQuietly } from "../json/arguments.js";
import { toJsonInput } from "../json/json-input.js";
import type { FlowDeps, LinkBuilders } from "../recovery/flows.js";
import { createTokenDigester } from "../recovery/token-secrets.js";
import { DEFAULT_SCHEMA_ID } from "../schema/presets.js";
import { type JsonSchema, SchemaRegistry } from "../schema/schema-registry.js";
import { IdentityWriter, uuidGenerator } from "../storage/identity-writer.js";
import { MemoryStorage } from "../storage/memory/memory-storage.js";
import { RuntimeStorage } from "../storage/runtime-storage.js";
import type { StorageAdapter } from "../storage/storage-adapter.js";
import { type ApiKeySettings, readApiKeySettings } from "./api-key-args.js";
import { HookRunner, readHooks } from "./hooks.js";
import { IdentityBuilder } from "./identity-builder.js";
import { uuidv7 } from "./uuid-v7.js";

/** What every service of the manager shares: built once from the options, never changed afterwards. */
export interface ServiceContext {
  readonly storage: RuntimeStorage;
  readonly writer: IdentityWriter;
  readonly schemas: SchemaRegistry;
  readonly hasher: PasswordHasher;
  readonly builder: IdentityBuilder;
  readonly policy: PasswordPolicy;
  readonly flows: FlowDeps;
  readonly links: Required<LinkBuilders>;
  readonly hooks: NonNullable<IdentityManagerOptions["hooks"]>;
  /** The lifecycle hooks (`beforeCreate`, `afterUpdate`, ...), called by the services. */
  readonly lifecycle: HookRunner;
  readonly now: () => Date;
  readonly maxClearTextPasswordsPerBatch: number;
  /** True when the host gave `generateId` or `now`: its code runs while identities are built. */
  readonly hostIdsOrClock: boolean;
  /** The checked `apiKeys` option. */
  readonly apiKeys: ApiKeySettings;
  /**
   * Kratos's admin JSON of a stored identity (`metadata_admin` included); `owned`: `stored` is the caller's to
   * give away, its traits and metadata are not copied.
   */
  serialize(stored: StoredIdentity, credentials: CredentialsView, owned?: boolean): Identity;
}

const OPTION_KEYS = [
  "storage",
  "schemas",
  "defaultSchemaId",
  "publicUrl",
  "hashing",
  "generateId",
  "now",
  "maxClearTextPasswordsPerBatch",
  "secrets",
  "links",
  "passwordPolicy",
  "hooks",
  "limits",
  "apiKeys",
] as const;

function invalid(reason: string): IdentityError {
  return new IdentityError("invalid_configuration", { reason });
}

function optional<T>(
  value: unknown,
  name: string,
  check: (v: unknown) => boolean,
  expected: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (!check(value)) throw invalid(`${name} must be ${expected}`);
  return value as T;
}

const isFunction = (v: unknown) => typeof v === "function";

/**
 * Wraps a host callback so that its failure (a throw, or a result `check` refuses) is `invalid_configuration`
 * naming the option, with the host's error on `cause` only (its text never reaches a client).
 */
function hostCallback<A extends unknown[], R>(
  callback: ((...args: A) => R) | undefined,
  name: string,
  check: (result: R) => R,
): ((...args: A) => R) | undefined {
  if (callback === undefined) return undefined;
  return (...args: A) => {
    let result: R;
    try {
      result = callback(...args);
    } catch (cause) {
      throw new IdentityError("invalid_configuration", { reason: `${name} threw.`, cause });
    }
    settleQuietly(result);
    return check(result);
  };
}

const ADAPTER_METHODS = [
  "insertIdentities",
  "getIdentity",
  "findIdentityByCredentialIdentifier",
  "findIdentityByExternalId",
  "listIdentities",
  "updateIdentity",
  "deleteIdentity",
  "insertFlowToken",
  "findFlowToken",
  "checkFlowCode",
  "redeemFlowToken",
] as const;

/** The `storage` option: a `StorageAdapter` with every method of the contract, or `MemoryStorage`. */
function storageOption(value: unknown): StorageAdapter {
  if (value === undefined) return new MemoryStorage();
  let missing: string | undefined;
  try {
    if (value === null || typeof value !== "object") missing = "(not an object)";
    else missing = ADAPTER_METHODS.find((m) => typeof (value as Record<string, unknown>)[m] !== "function");
  } catch {
    missing = "(cannot be read)";
  }
  if (missing !== undefined) throw invalid(`storage must be a StorageAdapter; missing ${missing}`);
  return value as StorageAdapter;
}

/** True when the adapter says several processes share it (read once; a hostile getter counts as not shared). */
function shared(adapter: StorageAdapter): boolean {
  try {
    return adapter.supportsMultipleProcesses === true;
  } catch {
    return false;
  }
}

function secretsOption(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  let copy: unknown;
  try {
    copy = toJsonInput(value, { maxDepth: 2 });
  } catch {
    copy = undefined;
  }
  if (!Array.isArray(copy) || copy.some((s) => typeof s !== "string")) {
    throw invalid("secrets must be an array of strings of at least 16 characters");
  }
  return copy as string[];
}

/** The links handed out with tokens, Kratos's URLs under `publicUrl` unless the host builds its own. */
function linkBuilders(publicUrl: string, custom: Partial<LinkBuilders>): Required<LinkBuilders> {
  const base = publicUrl.replace(/\/+$/, "");
  const q = encodeURIComponent;
  return {
    recoveryLink: ({ flowId, token }) => `${base}/self-service/recovery?flow=${q(flowId)}&token=${q(token)}`,
    recoveryCode: ({ flowId }) => `${base}/self-service/recovery?flow=${q(flowId)}`,
    verificationLink: ({ flowId, token }) =>
      `${base}/self-service/verification?flow=${q(flowId)}&token=${q(token)}`,
    verificationCode: ({ flowId }) => `${base}/self-service/verification?flow=${q(flowId)}`,
    ...custom,
  };
}

/**
 * Checks the manager's options and builds the shared context. Every option is read once; a value of the wrong
 * kind, a throwing getter or an unknown option is `invalid_configuration`, never a `TypeError`.
 * @throws IdentityError `invalid_configuration`
 */
export function createServiceContext(input: unknown): ServiceContext {
  const o = readConfiguration(input, "options", OPTION_KEYS);
  const adapter = storageOption(o.storage);
  const storage = new RuntimeStorage(adapter);
  const now =
    hostCallback(optional<() => Date>(o.now, "now", isFunction, "a function"), "now", (d) => {
      // RFC 3339 timestamps have four-digit years; Go's longest duration (292 years) must still fit a Date after it.
      const year = d instanceof Date ? d.getUTCFullYear() : Number.NaN;
      if (!(year >= 1 && year <= 9999))
        throw invalid("now must return a valid Date between the years 1 and 9999");
      return d;
    }) ?? (() => new Date());
  const publicUrl =
    optional<string>(o.publicUrl, "publicUrl", (v) => typeof v === "string", "a string") ??
    "http://127.0.0.1:4433";
  const schemas = new SchemaRegistry({
    publicUrl,
    // The registry reads and checks the schemas itself (invalid_configuration for anything but JSON Schemas).
    ...(o.schemas === undefined ? {} : { schemas: o.schemas as Record<string, JsonSchema> }),
  });
  const defaultSchemaId =
    optional<string>(o.defaultSchemaId, "defaultSchemaId", (v) => typeof v === "string", "a string") ??
    DEFAULT_SCHEMA_ID;
  if (!schemas.get(defaultSchemaId)) {
    throw invalid(`defaultSchemaId "${defaultSchemaId}" is not a registered schema`);
  }
  const hasher = createPasswordHasher(o.hashing as IdentityManagerOptions["hashing"]);
  const generateId = optional<() => string>(o.generateId, "generateId", isFunction, "a function");
  // The host's generator is checked on every call; the default one makes lower-case UUIDs by construction.
  const newId = generateId === undefined ? uuidv7 : uuidGenerator(generateId);
  const maxClearText =
    optional<number>(
      o.maxClearTextPasswordsPerBatch,
      "maxClearTextPasswordsPerBatch",
      (v) => Number.isInteger(v) && (v as number) >= 0,
      "an integer >= 0",
    ) ?? 200;
  const policyOptions = readConfiguration(o.passwordPolicy, "passwordPolicy", PASSWORD_POLICY_OPTIONS);
  const bcrypt = hasher.algorithm === "bcrypt";
  if (
    bcrypt &&
    typeof policyOptions.minLength === "number" &&
    policyOptions.minLength > BCRYPT_MAX_PASSWORD_BYTES
  ) {
    throw invalid(
      `passwordPolicy.minLength cannot exceed bcrypt's maximum of ${BCRYPT_MAX_PASSWORD_BYTES} bytes.`,
    );
  }
  const policy = createPasswordPolicy({
    maxBytes: bcrypt ? BCRYPT_MAX_PASSWORD_BYTES : MAX_PASSWORD_BYTES,
    ...(policyOptions as PasswordPolicyOptions),
  });
  const hooks = readHooks(o.hooks);
  const links = readConfiguration(o.links, "links", [
    "recoveryLink",
    "recoveryCode",
    "verificationLink",
    "verificationCode",
  ]);
  const customLinks: Record<string, unknown> = {};
  for (const [name, link] of Object.entries(links) as [keyof LinkBuilders, unknown][]) {
    customLinks[name] = hostCallback(
      optional<(token: { flowId: string; token: string }) => string>(
        link,
        `links.${name}`,
        isFunction,
        "a function",
      ),
      `links.${name}`,
      (url) => {
        if (typeof url !== "string") throw invalid(`links.${name} must return a string`);
        return url;
      },
    );
  }
  const builder = new IdentityBuilder({
    schemas,
    defaultSchemaId,
    hasher,
    newId,
    now,
    limits: o.limits as IdentityManagerOptions["limits"],
  });
  const serialize = (stored: StoredIdentity, credentials: CredentialsView, owned = false): Identity =>
    toIdentityJson(stored, schemas.urlFor(stored.schema_id), { credentials, metadataAdmin: true, owned });
  const lifecycle = new HookRunner(hooks, {
    serialize: (stored) => serialize(stored, { mode: "no_config" }),
    revalidate: (next, existing, at) => builder.revalidate(next, existing, undefined, at),
  });
  return {
    storage,
    writer: new IdentityWriter(storage, now),
    schemas,
    hasher,
    builder,
    policy,
    flows: {
      storage,
      digester: createTokenDigester(secretsOption(o.secrets), { sharedStore: shared(adapter) }),
      newId,
      now,
    },
    links: linkBuilders(publicUrl, customLinks as Partial<LinkBuilders>),
    hooks: hooks as NonNullable<IdentityManagerOptions["hooks"]>,
    lifecycle,
    now,
    maxClearTextPasswordsPerBatch: maxClearText,
    hostIdsOrClock: o.generateId !== undefined || o.now !== undefined,
    apiKeys: readApiKeySettings(o.apiKeys),
    serialize,
  };
}
