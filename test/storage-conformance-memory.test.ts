import { describe, it } from "vitest";
import { MemoryStorage } from "../src/index.js";
import { runStorageConformance } from "../src/testing/index.js";

runStorageConformance({ name: "MemoryStorage", createAdapter: () => new MemoryStorage(), describe, it });
