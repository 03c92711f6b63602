export { MemoryStorage } from "./memory/memory-storage.js";
export { RuntimeStorage } from "./runtime-storage.js";
export type {
  CodeSubmission,
  FlowTokenKind,
  FlowTokenRedemption,
  InsertOutcome,
  ListIdentitiesQuery,
  RedemptionOutcome,
  StorageAdapter,
  StoredFlowToken,
} from "./storage-adapter.js";
