/**
 * The simulator's time: one queue of events (timers the real code arms through the io/ Clock seam,
 * and the simulator's own network deliveries and faults), run in (time, arrival) order. After each
 * event every promise chain it started runs to its end before the next event: the simulated disk
 * and network answer through promises only, so one macrotask turn drains them all. With no real
 * I/O and one seeded PRNG, a seed replays exactly.
 */
import type { Clock, Timer } from '../../io/clock.js';

interface SimEvent {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/** Lets every pending promise chain settle (nothing here waits on real I/O). */
export function drain(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

export class SimClock implements Clock {
  now = 0;
  private seq = 0;
  /** A binary heap by (at, seq). */
  private heap: SimEvent[] = [];
  events = 0;

  nowMs(): number {
    return this.now;
  }

  setTimer(delayMs: number, fn: () => void): Timer {
    const e: SimEvent = { at: this.now + Math.max(0, delayMs), seq: this.seq++, fn, cancelled: false };
    this.push(e);
    return { cancel: () => void (e.cancelled = true) };
  }

  /** Schedules `fn` at `delayMs` from now (the simulator's own events). */
  after(delayMs: number, fn: () => void): void {
    this.setTimer(delayMs, fn);
  }

  /**
   * Runs events up to `until` (or until `stop` holds after one), calling `afterEach` once each
   * event's promise chains have settled. Returns whether `stop` held.
   */
  async run(until: number, afterEach: () => Promise<void>, stop?: () => boolean): Promise<boolean> {
    for (;;) {
      const e = this.peek();
      if (e === undefined || e.at > until) break;
      this.pop();
      if (e.cancelled) continue;
      this.now = e.at;
      this.events++;
      e.fn();
      await drain();
      await afterEach();
      if (stop?.() === true) return true;
    }
    this.now = Math.max(this.now, until);
    return stop?.() === true;
  }

  private less(a: SimEvent, b: SimEvent): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(e: SimEvent): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private peek(): SimEvent | undefined {
    return this.heap[0];
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
