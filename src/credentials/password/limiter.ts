/** Runs async tasks with at most `concurrency` of them in flight; the rest wait in FIFO order. */
export interface Limiter {
  /** Starts `task` as soon as a slot is free (in call order) and settles like it. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks running now. */
  readonly active: number;
  /** Tasks waiting for a slot. */
  readonly pending: number;
}

type Job = () => Promise<void>;

/**
 * Creates a FIFO concurrency limiter. Password hashing uses it so that a burst of logins or imports queues
 * instead of running hundreds of memory-hard hashes at once and thrashing the machine.
 *
 * @throws RangeError when `concurrency` is not a positive integer.
 */
export function createLimiter(concurrency: number): Limiter {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError("concurrency must be a positive integer");
  }
  const queue: Array<Job | undefined> = [];
  let head = 0;
  let active = 0;

  const release = (): void => {
    const next = queue[head];
    if (next === undefined) {
      active--;
      queue.length = 0;
      head = 0;
      return;
    }
    // The slot passes straight to the next job; drop consumed entries now and then.
    queue[head++] = undefined;
    if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    void next();
  };

  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const job: Job = async () => {
          try {
            resolve(await task());
          } catch (err) {
            reject(err);
          } finally {
            release();
          }
        };
        if (active < concurrency) {
          active++;
          void job();
        } else {
          queue.push(job);
        }
      });
    },
    get active() {
      return active;
    },
    get pending() {
      return queue.length - head;
    },
  };
}
