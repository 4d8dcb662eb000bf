/** Time as the engine sees it: injectable so time-dependent logic is tested without sleeping. */
export interface Clock {
  /** UTC milliseconds since the epoch. */
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

/** A clock that moves only when told to. For tests. */
export class ManualClock implements Clock {
  private current: number;
  private waiters: { at: number; resolve: () => void }[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push({ at: this.current + ms, resolve });
      this.release();
    });
  }

  advance(ms: number): void {
    this.current += ms;
    this.release();
  }

  private release(): void {
    const due = this.waiters.filter((w) => w.at <= this.current);
    this.waiters = this.waiters.filter((w) => w.at > this.current);
    for (const w of due) w.resolve();
  }
}

/**
 * A real clock whose `now()` can be moved forward: now() = Date.now() + offset. Sleeps are
 * real (setTimeout), so everything keeps running at its usual pace, while `jump(ms)` makes
 * time-dependent logic (soaks, windows, freezes, expiries, pauses that compare against now())
 * see a later instant at once. For end-to-end tests of time-dependent gates without sleeping
 * for them; a jump never moves a pending sleep's real deadline.
 */
export class OffsetClock implements Clock {
  constructor(private offset = 0) {}

  now(): number {
    return Date.now() + this.offset;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return systemClock.sleep(ms, signal);
  }

  /** Moves now() forward by `ms` (never backward: time that went back would reorder the record). */
  jump(ms: number): void {
    if (!(ms >= 0)) throw new Error(`OffsetClock.jump(${ms}): time only moves forward`);
    this.offset += ms;
  }
}
