/**
 * The simulated network between voters: every message gets a random delay (so messages
 * reorder), may be dropped or duplicated, and is lost if a partition separates its ends when it
 * is sent or when it would arrive (partitions may also be one-way). Messages to a node that crashed since they were sent are lost
 * (its connections were reset).
 */
import type { NodeId, RaftMessage } from '../../raft/index.js';
import type { Prng } from './prng.js';

export interface NetworkFaults {
  dropP: number;
  duplicateP: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export const CALM: NetworkFaults = { dropP: 0, duplicateP: 0, minDelayMs: 1, maxDelayMs: 5 };

export interface InFlight {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly toIncarnation: number;
  readonly message: RaftMessage;
}

export class SimNetwork {
  faults: NetworkFaults = CALM;
  private readonly blocked = new Set<string>();
  sent = 0;
  dropped = 0;

  constructor(private readonly prng: Prng) {}

  /** Delivery delays for one send: none if dropped, two if duplicated. */
  delaysFor(from: NodeId, to: NodeId): number[] {
    this.sent++;
    if (!this.connected(from, to) || this.prng.chance(this.faults.dropP)) {
      this.dropped++;
      return [];
    }
    const one = (): number => this.prng.between(this.faults.minDelayMs, this.faults.maxDelayMs);
    return this.prng.chance(this.faults.duplicateP) ? [one(), one()] : [one()];
  }

  connected(a: NodeId, b: NodeId): boolean {
    return !this.blocked.has(`${a}>${b}`);
  }

  /** Cuts every link between the two sets, both directions. */
  partition(side: readonly NodeId[], other: readonly NodeId[]): void {
    for (const a of side) {
      for (const b of other) {
        this.blocked.add(`${a}>${b}`);
        this.blocked.add(`${b}>${a}`);
      }
    }
  }

  /** Cuts one direction only: `from` can no longer reach `to`, but hears from it. */
  cutOneWay(from: NodeId, to: NodeId): void {
    this.blocked.add(`${from}>${to}`);
  }

  heal(): void {
    this.blocked.clear();
  }

  get partitioned(): boolean {
    return this.blocked.size > 0;
  }
}
