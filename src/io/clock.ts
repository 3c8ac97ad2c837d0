/**
 * The clock seam: wall time and timers. Only src/io/ reads Date.now or arms setTimeout, so a
 * simulated clock can drive time-based behaviour (segment.ms rolls, flush.ms) deterministically.
 *
 * Invariant: timers from `systemClock` are unref'd; a pending flush timer never keeps the process
 * alive on its own.
 */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  nowMs(): number;
  /** Runs `fn` once after `delayMs`; cancel() before it fires prevents it. */
  setTimer(delayMs: number, fn: () => void): Timer;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  setTimer(delayMs: number, fn: () => void): Timer {
    const t = setTimeout(fn, delayMs);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};
