/** How many recent unknown-identifier failures the pace keeps (a sliding window). */
const WINDOW = 64;
/** Fewer samples than this give no pace yet. */
const MIN_SAMPLES = 5;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The wall-clock pace of a failed login, learnt from the failures that are slow by construction: an unknown
 * identifier costs one verification of the configured hash. A failed login against a known identity that ended
 * sooner (its stored hash, and the work padding it, cost less than the model of `paddingHashes` said: cold caches,
 * thread hand-offs, another CPU) waits out the rest, up to the median of the recent unknown-identifier failures.
 * It never shortens anything, learns only from timings every caller causes alike, and keeps no per-account state.
 */
export class FailurePace {
  readonly #samples: number[] = [];
  #next = 0;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(
    now: () => number = () => performance.now(),
    sleep: (ms: number) => Promise<void> = defaultSleep,
  ) {
    this.#now = now;
    this.#sleep = sleep;
  }

  /** A timestamp to measure a login from, in ms. */
  start(): number {
    return this.#now();
  }

  /** Records how long a login that took the configured-hash path took (`start()` → now). */
  record(startedAt: number): void {
    const ms = this.#now() - startedAt;
    if (!(ms >= 0) || !Number.isFinite(ms)) return;
    if (this.#samples.length < WINDOW) this.#samples.push(ms);
    else this.#samples[this.#next] = ms;
    this.#next = (this.#next + 1) % WINDOW;
  }

  /** The median of the recorded durations, in ms, or undefined while there are too few. */
  typical(): number | undefined {
    if (this.#samples.length < MIN_SAMPLES) return undefined;
    const sorted = [...this.#samples].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  }

  /** Waits until the login that began at `startedAt` has lasted {@link typical} ms (no wait when it has). */
  async padTo(startedAt: number): Promise<void> {
    const typical = this.typical();
    if (typical === undefined) return;
    const rest = typical - (this.#now() - startedAt);
    if (rest >= 1) await this.#sleep(rest);
  }
}
