export { MemoryStorage } from "./memory/memory-storage.js";
export { RuntimeStorage } from "./runtime-storage.js";
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
} from "./storage-adapter.js";
