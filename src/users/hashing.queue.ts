/**
 * Runs at most `maxConcurrent` jobs at once and lets at most `maxQueued` more wait; a job beyond
 * that is refused at once. Password hashing goes through it so that a flood of logins cannot
 * take every libuv thread and hundreds of MiB of memory, starving the other requests, nor pile
 * up an unbounded backlog.
 */
export class HashingQueue {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly maxConcurrent: number,
    private readonly maxQueued: number,
  ) {
    if (!(maxConcurrent >= 1) || !(maxQueued >= 0)) {
      throw new TypeError('HashingQueue needs maxConcurrent >= 1 and maxQueued >= 0');
    }
  }

  /**
   * Runs `job` once a slot is free.
   *
   * @returns `undefined` without running `job` when all slots are busy and the queue is full.
   */
  async run<T>(job: () => Promise<T>): Promise<{ value: T } | undefined> {
    if (this.active < this.maxConcurrent) this.active++;
    else if (this.waiting.length >= this.maxQueued) return undefined;
    // The slot is handed over by the job that frees it, so `active` stays counted.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return { value: await job() };
    } finally {
      const next = this.waiting.shift();
      if (next === undefined) this.active--;
      else next();
    }
  }
}
