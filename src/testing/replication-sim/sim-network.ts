/**
 * The simulated network between the producer, the brokers and the controller: a request and its
 * response each get a seeded delay (so they reorder), may be dropped, and a request may be
 * delivered twice (the second answer goes nowhere); a cut link (one way or both) loses what
 * crosses it; a message to or from a broker that crashed since it was sent is lost (its
 * connections were reset). The caller's promise rejects after its timeout when no answer came,
 * as a client's request.timeout.ms; an answer arriving later is ignored, though the request may
 * still be served later (a late request: what reordering means for one outstanding fetch).
 */
import type { Prng } from '../raft-sim/prng.js';
import type { SimClock } from './sim-clock.js';

export interface NetFaults {
  dropP: number;
  duplicateP: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export const CALM: NetFaults = { dropP: 0, duplicateP: 0, minDelayMs: 1, maxDelayMs: 5 };

export class NetTimeout extends Error {}

export class SimNetwork {
  faults: NetFaults = CALM;
  private readonly blocked = new Set<string>();
  sent = 0;
  lost = 0;

  constructor(
    private readonly clock: SimClock,
    private readonly prng: Prng,
    /** The current incarnation of a node, or null when it is down. */
    private readonly incarnationOf: (id: number) => number | null,
  ) {}

  /**
   * Sends a request from `from` to `to`, served there by `serve`; resolves with the answer, or
   * rejects with NetTimeout after `timeoutMs`.
   */
  call<T>(from: number, to: number, timeoutMs: number, serve: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const fromInc = this.incarnationOf(from);
      const toInc = this.incarnationOf(to);
      this.clock.after(timeoutMs, () => {
        if (settled) return;
        settled = true;
        reject(new NetTimeout(`request ${from}->${to} timed out`));
      });
      const deliver = (answer: boolean): void => {
        if (!this.connected(from, to)) return void this.lost++;
        if (toInc === null || this.incarnationOf(to) !== toInc) {
          // The process is gone but its host answers: connection refused (reset), fast.
          if (answer) this.refuse(from, fromInc, () => settled, () => { settled = true; reject(new Error(`connection to ${to} refused`)); });
          return;
        }
        serve().then(
          (value) => {
            // The server crashed while serving: its connections are gone, the answer with them.
            if (!answer || this.incarnationOf(to) !== toInc) return;
            const delay = this.delay(to, from);
            if (delay === null) return;
            this.clock.after(delay, () => {
              if (settled || this.incarnationOf(from) !== fromInc || !this.connected(to, from)) return;
              settled = true;
              resolve(value);
            });
          },
          (e: unknown) => {
            if (!answer || this.incarnationOf(to) !== toInc) return;
            this.clock.after(this.prng.between(this.faults.minDelayMs, this.faults.maxDelayMs), () => {
              if (settled || this.incarnationOf(from) !== fromInc) return;
              settled = true;
              reject(e instanceof Error ? e : new Error(String(e)));
            });
          },
        );
      };
      this.sent++;
      if (fromInc === null) return;
      const first = this.delay(from, to);
      if (first === null) return;
      this.clock.after(first, () => deliver(true));
      if (this.prng.chance(this.faults.duplicateP)) this.clock.after(this.prng.between(this.faults.minDelayMs, this.faults.maxDelayMs * 3), () => deliver(false));
    });
  }

  private refuse(from: number, fromInc: number | null, settled: () => boolean, fail: () => void): void {
    this.clock.after(this.prng.between(this.faults.minDelayMs, this.faults.maxDelayMs), () => {
      if (!settled() && this.incarnationOf(from) === fromInc) fail();
    });
  }

  /** A delivery delay for one message, or null when it is lost. */
  private delay(from: number, to: number): number | null {
    if (!this.connected(from, to) || this.prng.chance(this.faults.dropP)) {
      this.lost++;
      return null;
    }
    return this.prng.between(this.faults.minDelayMs, this.faults.maxDelayMs);
  }

  connected(a: number, b: number): boolean {
    return !this.blocked.has(`${a}>${b}`);
  }

  /** Cuts every link between the two sets, both directions. */
  partition(side: readonly number[], other: readonly number[]): void {
    for (const a of side) {
      for (const b of other) {
        this.blocked.add(`${a}>${b}`);
        this.blocked.add(`${b}>${a}`);
      }
    }
  }

  cutOneWay(from: number, to: number): void {
    this.blocked.add(`${from}>${to}`);
  }

  heal(): void {
    this.blocked.clear();
  }

  get partitioned(): boolean {
    return this.blocked.size > 0;
  }
}
