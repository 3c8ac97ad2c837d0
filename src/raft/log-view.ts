/**
 * The core's own view of its log's shape: log start and end offsets, the durable (fsynced) end,
 * the latest snapshot id and an in-memory leader-epoch cache (epoch -> start offset, as Kafka's
 * LeaderEpochFileCache). The record bytes stay with the driver (see RaftLogReader in
 * raft-core.ts); every change here is mirrored by an output the driver applies to the real log.
 *
 * Invariants: startOffset <= durableEndOffset <= endOffset; epochs strictly increase, their start
 * offsets never decrease and lie in [startOffset, endOffset); the entry before startOffset has
 * the snapshot's epoch; startOffset is the snapshot's end (a recovered log that starts earlier,
 * because the process died between writing a snapshot and deleting the log before it, is cut
 * at construction and the core asks the driver to finish the deletion).
 */
import { invariant, type Entry, type OffsetAndEpoch } from './types.js';
import type { ReplicaKey, VotersChange } from './voter-set.js';

export interface EpochStart {
  readonly epoch: number;
  readonly startOffset: number;
}

/** The log as the driver recovered it (snapshot, entries' epochs, end offset). */
export interface RecoveredLog {
  readonly startOffset: number;
  readonly endOffset: number;
  readonly snapshotId?: OffsetAndEpoch;
  /** The first offset of each epoch present in [startOffset, endOffset). */
  readonly epochStarts: readonly EpochStart[];
  /**
   * kraft.version 1 only (KIP-853): the voter set of the latest snapshot (or of the bootstrap
   * checkpoint) and the VotersRecords in the log after it (votersChangesOf). Absent: kraft.version
   * 0, the static voters.
   */
  readonly voters?: { readonly base: readonly ReplicaKey[]; readonly changes: readonly VotersChange[] };
}

export type FetchValidation = { readonly kind: 'valid' } | { readonly kind: 'diverging'; readonly divergingEpoch: OffsetAndEpoch } | { readonly kind: 'snapshot'; readonly snapshotId: OffsetAndEpoch };

/** The epoch starts of `entries` (in offset order), for drivers recovering a log. */
export function epochStartsOf(entries: Iterable<{ offset: number; epoch: number }>): EpochStart[] {
  const out: EpochStart[] = [];
  for (const e of entries) if (out.at(-1)?.epoch !== e.epoch) out.push({ epoch: e.epoch, startOffset: e.offset });
  return out;
}

/** The VotersRecords among `entries`, for drivers recovering a kraft.version 1 log. */
export function votersChangesOf(entries: Iterable<Pick<Entry, 'offset' | 'control' | 'voters'>>): VotersChange[] {
  const out: VotersChange[] = [];
  for (const e of entries) if (e.control === 'voters' && e.voters !== undefined) out.push({ offset: e.offset, voters: e.voters });
  return out;
}

export class LogView {
  startOffset: number;
  endOffset: number;
  durableEndOffset: number;
  snapshotId: OffsetAndEpoch | undefined;
  private epochs: EpochStart[];

  /** Set when recovery found a snapshot past the log start (the process died before deleting). */
  readonly recoveredBehindSnapshot: boolean;

  constructor(recovered: RecoveredLog) {
    this.startOffset = recovered.startOffset;
    this.endOffset = recovered.endOffset;
    this.durableEndOffset = recovered.endOffset;
    this.snapshotId = recovered.snapshotId;
    this.epochs = [...recovered.epochStarts];
    const snapEnd = this.snapshotId?.endOffset ?? 0;
    invariant(this.startOffset <= snapEnd || (this.snapshotId === undefined && this.startOffset === 0), () => `log start ${this.startOffset} is past the snapshot end ${snapEnd}`);
    this.recoveredBehindSnapshot = this.startOffset < snapEnd;
    if (this.recoveredBehindSnapshot) this.dropBefore(snapEnd);
    this.check();
  }

  /** Forgets the log before `offset` (all of it, restarting empty there, if it ends earlier). */
  private dropBefore(offset: number): void {
    if (offset >= this.endOffset) {
      this.epochs = [];
      this.endOffset = offset;
      this.durableEndOffset = offset;
    } else {
      const keep = this.epochs.filter((e) => e.startOffset >= offset);
      const covering = [...this.epochs].reverse().find((e) => e.startOffset < offset);
      if (covering !== undefined && keep[0]?.startOffset !== offset) keep.unshift({ epoch: covering.epoch, startOffset: offset });
      this.epochs = keep;
    }
    this.startOffset = offset;
  }

  /** The epoch of the last entry (or of the snapshot, or 0 for an empty log). */
  lastFetchedEpoch(): number {
    return this.epochs.at(-1)?.epoch ?? this.snapshotId?.epoch ?? 0;
  }

  endOffsetAndEpoch(): OffsetAndEpoch {
    return { endOffset: this.endOffset, epoch: this.lastFetchedEpoch() };
  }

  /** The epoch of the entry at `offset` (startOffset - 1 answers the snapshot's epoch). */
  epochOf(offset: number): number | undefined {
    if (offset >= this.endOffset || offset < this.startOffset - 1) return undefined;
    if (offset === this.startOffset - 1) return this.snapshotId?.epoch;
    for (let i = this.epochs.length - 1; i >= 0; i--) {
      const e = this.epochs[i];
      if (e !== undefined && e.startOffset <= offset) return e.epoch;
    }
    return undefined;
  }

  /**
   * Kafka's endOffsetForEpoch: the largest known epoch <= `epoch` and the offset where it ends
   * (the next epoch's start, or the log end); undefined when every epoch we hold is larger.
   */
  endOffsetForEpoch(epoch: number): OffsetAndEpoch | undefined {
    for (let i = this.epochs.length - 1; i >= 0; i--) {
      const e = this.epochs[i];
      if (e !== undefined && e.epoch <= epoch) return { epoch: e.epoch, endOffset: this.epochs[i + 1]?.startOffset ?? this.endOffset };
    }
    if (this.snapshotId !== undefined && this.snapshotId.epoch <= epoch) return { epoch: this.snapshotId.epoch, endOffset: this.epochs[0]?.startOffset ?? this.endOffset };
    return undefined;
  }

  /** The leader's check of a follower's (fetchOffset, lastFetchedEpoch), as KafkaMetadataLog.validateOffsetAndEpoch. */
  validateFetch(fetchOffset: number, lastFetchedEpoch: number): FetchValidation {
    if (fetchOffset < this.startOffset) return this.snapshotOrStart();
    if (fetchOffset === this.startOffset) {
      if (this.startOffset === 0 || this.snapshotId?.epoch === lastFetchedEpoch) return { kind: 'valid' };
      return this.snapshotOrStart();
    }
    const end = this.endOffsetForEpoch(lastFetchedEpoch);
    if (end === undefined) return this.snapshotOrStart();
    if (end.epoch !== lastFetchedEpoch || end.endOffset < fetchOffset) return { kind: 'diverging', divergingEpoch: end };
    return { kind: 'valid' };
  }

  private snapshotOrStart(): FetchValidation {
    if (this.snapshotId !== undefined) return { kind: 'snapshot', snapshotId: this.snapshotId };
    return { kind: 'diverging', divergingEpoch: { epoch: 0, endOffset: 0 } };
  }

  /** The follower's truncation point for a leader's DivergingEpoch (KafkaRaftClient's rule). */
  truncationOffsetFor(diverging: OffsetAndEpoch): number {
    const local = this.endOffsetForEpoch(diverging.epoch);
    if (local === undefined) return this.startOffset;
    const end = local.epoch === diverging.epoch ? Math.min(local.endOffset, diverging.endOffset) : local.endOffset;
    return Math.max(this.startOffset, Math.min(end, this.endOffset));
  }

  append(entries: readonly Entry[]): void {
    for (const e of entries) {
      invariant(e.offset === this.endOffset, () => `append at ${e.offset} but the log ends at ${this.endOffset}`);
      const last = this.lastFetchedEpoch();
      invariant(e.epoch >= last, () => `append of epoch ${e.epoch} after epoch ${last}`);
      if (e.epoch !== this.epochs.at(-1)?.epoch) this.epochs.push({ epoch: e.epoch, startOffset: e.offset });
      this.endOffset++;
    }
    this.check();
  }

  truncateTo(offset: number): void {
    invariant(offset >= this.startOffset && offset <= this.endOffset, () => `truncate to ${offset} outside [${this.startOffset}, ${this.endOffset}]`);
    this.endOffset = offset;
    this.durableEndOffset = Math.min(this.durableEndOffset, offset);
    this.epochs = this.epochs.filter((e) => e.startOffset < offset);
    this.check();
  }

  flushed(): void {
    this.durableEndOffset = this.endOffset;
  }

  /** A local snapshot now covers [.., id.endOffset): the log prefix before it is deleted. */
  deleteBefore(id: OffsetAndEpoch): void {
    invariant(id.endOffset >= this.startOffset && id.endOffset <= this.endOffset, () => `snapshot end ${id.endOffset} outside [${this.startOffset}, ${this.endOffset}]`);
    invariant(this.epochOf(id.endOffset - 1) === id.epoch, () => `snapshot epoch ${id.epoch} is not the epoch of offset ${id.endOffset - 1}`);
    this.dropBefore(id.endOffset);
    this.snapshotId = id;
    this.check();
  }

  /** A snapshot fetched from the leader replaces the whole log. */
  installSnapshot(id: OffsetAndEpoch): void {
    this.epochs = [];
    this.startOffset = id.endOffset;
    this.endOffset = id.endOffset;
    this.durableEndOffset = id.endOffset;
    this.snapshotId = id;
    this.check();
  }

  private check(): void {
    invariant(this.startOffset <= this.durableEndOffset && this.durableEndOffset <= this.endOffset, () => `offsets out of order: start ${this.startOffset} durable ${this.durableEndOffset} end ${this.endOffset}`);
    for (let i = 0; i < this.epochs.length; i++) {
      const e = this.epochs[i];
      const prev = this.epochs[i - 1];
      invariant(e !== undefined && e.startOffset >= this.startOffset && e.startOffset < this.endOffset, () => `epoch start ${JSON.stringify(e)} outside the log`);
      invariant(prev === undefined || (prev.epoch < e.epoch && prev.startOffset < e.startOffset), () => `epoch cache out of order at ${i}`);
    }
  }
}
