/**
 * idkit: embeddable identity management for Node, faithful to Ory Kratos's identity model and admin API.
 *
 * @module
 */

export type { PasswordMigrationHook } from "./credentials/authenticate-password.js";
export * from "./credentials/password/index.js";
export {
  createPasswordPolicy,
  createPwnedPasswordsChecker,
  type PasswordPolicy,
  type PasswordPolicyOptions,
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
  UpdateIdentityBody,
} from "./identity/payloads.js";
export { IdentityManager } from "./identity-manager.js";
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
export { DEFAULT_SCHEMA, DEFAULT_SCHEMA_ID, EMAIL_PRESET_ID, EMAIL_PRESET_SCHEMA } from "./schema/presets.js";
export {
  type JsonSchema,
  type RegisteredSchema,
  SchemaRegistry,
  type SchemaRegistryOptions,
  schemaIdToBase64,
} from "./schema/schema-registry.js";
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
  CodeSubmission,
  FlowTokenKind,
  FlowTokenRedemption,
  InsertOutcome,
  ListIdentitiesQuery,
  RedemptionOutcome,
  StorageAdapter,
  StoredFlowToken,
} from "./storage/index.js";
export { MemoryStorage, RuntimeStorage } from "./storage/index.js";
