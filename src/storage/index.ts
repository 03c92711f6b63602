export { MemoryStorage } from "./memory/memory-storage.js";
export { RuntimeStorage } from "./runtime-storage.js";
export type {
  CodeSubmission,
  FlowTokenKind,
  InsertOutcome,
  ListIdentitiesQuery,
  StorageAdapter,
  StoredFlowToken,
} from "./storage-adapter.js";
