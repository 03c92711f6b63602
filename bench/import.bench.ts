/**
 * Import throughput: 100k identities through batchPatchIdentities (1000 per batch) into MemoryStorage, against
 * the raw primitive — a Map insert of the same stored objects — measured in the same run.
 */
import { IdentityManager, MemoryStorage, type StoredIdentity } from "idkit";

const TOTAL = Number(process.env.IMPORT_TOTAL ?? 100_000);
const BATCH = 1000;

export async function importBenchmark(): Promise<Record<string, number>> {
  const storage = new MemoryStorage();
  const captured: StoredIdentity[] = [];
  // Capture exactly what reaches the store, to replay it into a raw Map afterwards.
  const insert = storage.insertIdentities.bind(storage);
  storage.insertIdentities = async (identities) => {
    captured.push(...identities);
    return insert(identities);
  };
  const idm = new IdentityManager({ storage });
  const batches = Array.from({ length: TOTAL / BATCH }, (_, b) => ({
    identities: Array.from({ length: BATCH }, (_, i) => ({
      create: {
        schema_id: "preset://email",
        traits: { email: `User.${b * BATCH + i}@Example.org` },
        verifiable_addresses:
          i % 2
            ? [{ value: `user.${b * BATCH + i}@example.org`, verified: true, via: "email" as const }]
            : [],
        metadata_public: { plan: "free", imported: true },
      },
    })),
  }));

  const t0 = performance.now();
  for (const batch of batches) {
    const { identities } = await idm.batchPatchIdentities(batch);
    if (identities.some((r) => r?.action !== "create")) throw new Error("import failed");
  }
  const idkitMs = performance.now() - t0;

  const t1 = performance.now();
  const map = new Map<string, StoredIdentity>();
  for (const identity of captured) map.set(identity.id, identity);
  const rawMs = performance.now() - t1;
  if (map.size !== TOTAL || storage.size !== TOTAL) throw new Error("sizes differ");

  return {
    identities: TOTAL,
    idkit_ms: round(idkitMs),
    idkit_identities_per_s: Math.round(TOTAL / (idkitMs / 1000)),
    raw_map_ms: round(rawMs),
    raw_map_identities_per_s: Math.round(TOTAL / (rawMs / 1000)),
    ratio_idkit_over_raw: round(idkitMs / rawMs),
  };
}

const round = (x: number) => Math.round(x * 100) / 100;
