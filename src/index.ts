/**
 * idkit: embeddable identity management for Node, faithful to Ory Kratos's identity model and admin API.
 *
 * @module
 */

import type { JsonObject } from "./identity/identity.js";
import { IdentityManager as IdentityManagerClass } from "./identity-manager.js";
import type { JsonSchema } from "./schema/schema-registry.js";
import type { TraitsFromSchemas } from "./schema/traits-from-schema.js";

export type { PasswordMigrationHook } from "./credentials/authenticate-password.js";
export * from "./credentials/password/index.js";
export {
  createPasswordPolicy,
  createPwnedPasswordsChecker,
  type PasswordPolicy,
  type PasswordPolicyOptions,
  type PwnedPasswordsCheckerOptions,
  preloadCommonPasswords,
} from "./credentials/password-policy/index.js";
export * from "./errors/index.js";
export type * from "./identity/identity.js";
export { CREDENTIALS_TYPES, IDENTITY_STATES } from "./identity/identity.js";
export { DEFAULT_IDENTITY_LIMITS, type IdentityLimits } from "./identity/limits.js";
export type {
  BatchPatchBody,
  CreateIdentityBody,
  ImportCredentials,
  JsonPatchOperation,
  TraitsInput,
  UpdateIdentityBody,
} from "./identity/payloads.js";
export type {
  BatchPatchResultItem,
  GetIdentityOptions,
  IdentityManagerHooks,
  IdentityManagerOptions,
  ImportIdentitiesOptions,
  ImportIdentitiesResult,
  ImportItemError,
  ImportProgress,
  ListIdentitiesOptions,
  ListIdentitiesResult,
} from "./identity-manager-config.js";
export type { LinkBuilders } from "./recovery/flows.js";
export type { KratosExtension } from "./schema/kratos-extension.js";
export {
  DEFAULT_SCHEMA,
  DEFAULT_SCHEMA_ID,
  EMAIL_PRESET_ID,
  EMAIL_PRESET_SCHEMA,
  MACHINE_PRESET_ID,
  MACHINE_PRESET_SCHEMA,
} from "./schema/presets.js";
export {
  type JsonSchema,
  type RegisteredSchema,
  SchemaRegistry,
  type SchemaRegistryOptions,
  schemaIdToBase64,
} from "./schema/schema-registry.js";
export type { TraitsFromSchema, TraitsFromSchemas } from "./schema/traits-from-schema.js";
export { apiKeyPattern } from "./services/api-key-format.js";
export type {
  ApiKey,
  ApiKeyAuthentication,
  ApiKeyOptions,
  AuthenticateApiKeyOptions,
  CreateApiKeyBody,
  IssuedApiKey,
  RotateApiKeyOptions,
} from "./services/api-key-types.js";
export type {
  AfterHookName,
  Awaitable,
  CreateSource,
  CredentialOperation,
  IdentityChanges,
  LifecycleHooks,
  UpdateOperation,
} from "./services/hooks.js";
export type {
  ApiKeyInsert,
  ApiKeyStore,
  CodeSubmission,
  FlowTokenKind,
  FlowTokenRedemption,
  InsertOutcome,
  ListIdentitiesQuery,
  RedemptionOutcome,
  StorageAdapter,
  StoredApiKey,
  StoredFlowToken,
} from "./storage/index.js";
export { MemoryStorage, RuntimeStorage } from "./storage/index.js";

/** The constructor's options for a manager of `Traits` ({@link IdentityManagerOptions}). */
type OptionsOf<Traits> = NonNullable<ConstructorParameters<typeof IdentityManagerClass<Traits>>[0]>;

/**
 * The constructor of {@link IdentityManager}: given `schemas` and no type argument, `Traits` is inferred from the
 * schemas written `as const` ({@link TraitsFromSchemas}); otherwise it is the type argument, by default
 * {@link JsonObject}. `NoInfer` keeps the inference to the `schemas` member (and the compile cheap).
 */
export interface IdentityManagerConstructor {
  new <const Schemas extends Readonly<Record<string, JsonSchema>>, _Inferred extends "inferred">(
    options: NoInfer<OptionsOf<TraitsFromSchemas<Schemas>>> & { schemas: Schemas },
  ): IdentityManagerClass<NoInfer<TraitsFromSchemas<Schemas>>>;
  new <Traits = JsonObject>(options?: OptionsOf<Traits>): IdentityManagerClass<Traits>;
  readonly prototype: IdentityManagerClass<unknown>;
}

/**
 * Identity management with Kratos's admin semantics, as a library: the class of `src/identity-manager.ts`, whose
 * constructor also infers `Traits` from `as const` schemas ({@link IdentityManagerConstructor}).
 */
export const IdentityManager: IdentityManagerConstructor = IdentityManagerClass;
/** An {@link IdentityManager} whose identities carry traits of type `Traits`. */
export type IdentityManager<Traits = JsonObject> = IdentityManagerClass<Traits>;
