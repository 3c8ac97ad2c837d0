/**
 * Virtual time for tests of timer-driven state machines (coordinators, retention): time moves
 * only when a test calls `advance`, which fires due timers in order and lets the promises they
 * start settle before the next one.
 */
import type { Clock, Timer } from '../io/clock.js';

export class ManualClock implements Clock {
  now = 1_700_000_000_000;
  private timers: { at: number; fn: () => void; cancelled: boolean }[] = [];

  nowMs(): number {
    return this.now;
  }

  setTimer(delayMs: number, fn: () => void): Timer {
    const t = { at: this.now + delayMs, fn, cancelled: false };
    this.timers.push(t);
    return { cancel: () => void (t.cancelled = true) };
  }

  /** Advances time, firing due timers in order. */
  async advance(ms: number): Promise<void> {
    const target = this.now + ms;
    for (;;) {
      const due = this.timers.filter((t) => !t.cancelled && t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.now = due.at;
      due.cancelled = true;
      due.fn();
      await settle();
    }
    this.now = target;
    await settle();
  }
}

/** Lets pending promise chains (appends, replays) run to completion. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}
