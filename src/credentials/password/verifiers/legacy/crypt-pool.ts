import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { lazyRequire } from "../../../../json/lazy-require.js";
import { cryptWorkerSource } from "./crypt-worker-source.js";

/** `node:worker_threads`, loaded with the first worker (cold start: most apps never verify a legacy crypt hash). */
const workerThreads = lazyRequire<typeof import("node:worker_threads")>("node:worker_threads");

/** One crypt (or iterated-digest) checksum to compute off the main thread. */
export interface CryptJob {
  /** MD5-crypt, SHA-crypt, phpass or Symfony's iterated SHA-512 (see `iterated.ts`). */
  kind: "md5" | "sha256" | "sha512" | "phpass" | "symfony-sha512" | "pbkdf2-md4";
  password: Uint8Array;
  salt: Uint8Array;
  /** Effective SHA-crypt rounds, phpass, Symfony or PBKDF2 iterations (ignored for MD5-crypt). */
  rounds: number;
  /** Derived key length in bytes (PBKDF2-MD4 only). */
  length?: number;
}

/** A small pool of `worker_threads` computing crypt checksums, so that 500k-round SHA-crypt never blocks the loop. */
export interface CryptPool {
  /** Upper bound on the number of workers. */
  readonly size: number;
  /** Resolves with the crypt64 checksum; rejects if the worker fails or the pool is closed meanwhile. */
  run(job: CryptJob): Promise<string>;
  /** Terminates the workers and rejects queued jobs. A later `run` starts new workers. */
  close(): Promise<void>;
}

/** Options of {@link createCryptPool}. */
export interface CryptPoolOptions {
  /**
   * Maximum number of workers, clamped to `1..os.availableParallelism()`.
   * @default Math.min(4, os.availableParallelism())
   */
  size?: number;
}

type Task = { id: number; job: CryptJob; resolve(checksum: string): void; reject(error: Error): void };
type Reply = { id: number; checksum?: string; error?: string };

/**
 * Creates a crypt worker pool. Workers are started on demand (never at creation), are `unref()`ed while idle so
 * they never keep the process alive, and are `ref()`ed only while computing, so that a pending verification is not
 * cut short by the process exiting.
 *
 * @example
 * const pool = createCryptPool({ size: 2 });
 * const checksum = await pool.run({ kind: "sha512", password, salt, rounds: 5000 });
 * await pool.close();
 */
export function createCryptPool(options: CryptPoolOptions = {}): CryptPool {
  const cpus = availableParallelism();
  const size = Math.max(1, Math.min(cpus, Math.floor(options.size ?? Math.min(4, cpus))));
  const idle: Worker[] = [];
  /** Every live worker and the task it is computing. */
  const workers = new Map<Worker, Task | undefined>();
  const queue: Task[] = [];
  let source: string | undefined;
  let nextId = 0;

  const settle = (worker: Worker, reply: Reply | Error): void => {
    const task = workers.get(worker);
    if (task === undefined) return;
    workers.set(worker, undefined);
    worker.unref();
    if (reply instanceof Error) {
      task.reject(reply); // the worker is gone or going: its 'exit' handler forgets it
      return;
    }
    if (reply.id === task.id && reply.checksum !== undefined) task.resolve(reply.checksum);
    else task.reject(new Error(reply.error ?? "unexpected crypt worker reply"));
    idle.push(worker);
    dispatch();
  };

  const spawn = (): Worker => {
    source ??= cryptWorkerSource();
    // execArgv: [] so that loaders and debug flags of the host process (tsx, --inspect…) are not inherited.
    const worker = new (workerThreads().Worker)(source, { eval: true, execArgv: [] });
    worker.unref();
    workers.set(worker, undefined);
    worker.on("message", (reply: Reply) => settle(worker, reply));
    worker.on("error", (error) => settle(worker, error));
    worker.on("exit", (code) => {
      settle(worker, new Error(`crypt worker exited with code ${code}`));
      workers.delete(worker);
      const at = idle.indexOf(worker);
      if (at >= 0) idle.splice(at, 1);
      dispatch();
    });
    return worker;
  };

  const dispatch = (): void => {
    while (queue.length > 0) {
      let worker = idle.pop();
      if (worker === undefined && workers.size < size) {
        try {
          worker = spawn();
        } catch (error) {
          // No worker can be started (e.g. out of threads): fail now rather than leave jobs queued forever.
          if (workers.size === 0) for (const task of queue.splice(0)) task.reject(error as Error);
          return;
        }
      }
      if (worker === undefined) return;
      const task = queue.shift()!;
      workers.set(worker, task);
      worker.ref();
      worker.postMessage({ id: task.id, job: task.job });
    }
  };

  return Object.freeze({
    size,
    run(job: CryptJob): Promise<string> {
      return new Promise<string>((resolve, reject) => {
        // Fresh, exact-size copy: posting a Buffer view would clone its whole (shared, pooled) ArrayBuffer.
        const copy = { ...job, password: Uint8Array.from(job.password), salt: Uint8Array.from(job.salt) };
        queue.push({ id: nextId++, job: copy, resolve, reject });
        dispatch();
      });
    },
    async close(): Promise<void> {
      for (const task of queue.splice(0)) task.reject(new Error("crypt pool closed"));
      idle.length = 0;
      await Promise.all([...workers.keys()].map((worker) => worker.terminate()));
    },
  });
}

let defaultPool: CryptPool | undefined;

/** The process-wide crypt pool used by the built-in crypt verifiers, created on first use. */
export function defaultCryptPool(): CryptPool {
  defaultPool ??= createCryptPool();
  return defaultPool;
}
