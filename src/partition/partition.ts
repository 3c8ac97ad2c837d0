/**
 * One replica of one partition hosted here, as its leader (single node: every replica is the
 * leader). It owns the high watermark and tells parked fetches when new data is readable.
 *
 * Invariants: HW <= LEO; with one replica the HW follows the LEO as soon as an append's bytes are
 * written; an acks=all append resolves only after an fsync covering it when durability is on
 * (DESIGN.md: group commit, one fsync covers every batch that arrived meanwhile).
 */
import type { PartitionLog } from '../storage/partition-log.js';

export class Partition {
  private readonly appendListeners = new Set<() => void>();

  constructor(
    readonly topic: string,
    readonly partitionId: number,
    readonly topicId: string,
    readonly log: PartitionLog,
    public leaderEpoch: number,
    private readonly fsyncOnAcksAll: boolean,
    /** The topic's max.message.bytes: the largest batch a producer may append. */
    public maxMessageBytes: number,
  ) {}

  get logStartOffset(): number {
    return this.log.logStartOffset;
  }

  get logEndOffset(): number {
    return this.log.logEndOffset;
  }

  get highWatermark(): number {
    return this.log.logEndOffset;
  }

  /** No transactions yet: the last stable offset is the high watermark. */
  get lastStableOffset(): number {
    return this.highWatermark;
  }

  /**
   * Appends validated batches. Offsets are assigned before this returns its promise, so calls made
   * in request order get offsets in that order.
   */
  async append(batches: Buffer, acks: number): Promise<{ baseOffset: number; lastOffset: number }> {
    const written = this.log.append(batches, this.leaderEpoch);
    const result = await written;
    this.notifyAppend();
    if (acks === -1 && this.fsyncOnAcksAll) await this.log.flush();
    return { baseOffset: result.firstOffset, lastOffset: result.lastOffset };
  }

  /** Calls `fn` after each append becomes readable; returns the unsubscribe function. */
  onAppend(fn: () => void): () => void {
    this.appendListeners.add(fn);
    return () => this.appendListeners.delete(fn);
  }

  private notifyAppend(): void {
    for (const fn of [...this.appendListeners]) fn();
  }
}
