/**
 * One simulated node's disk: the quorum-state file, the log (entries, with a synced prefix),
 * the latest snapshot, and a snapshot being fetched. A crash keeps what was synced plus a
 * random prefix of the unsynced tail (a torn write); the partial snapshot is lost.
 *
 * Truncation and snapshot installation are modelled as durable at once (the core never relies
 * on them alone: it flushes before it reports an offset).
 */
import { epochStartsOf, votersChangesOf, type ElectionState, type Entry, type OffsetAndEpoch, type RaftLogReader, type RecoveredLog, type ReplicaKey } from '../../raft/index.js';
import { decodeSnapshot, votersInKeys } from './sim-entries.js';
import type { Prng } from './prng.js';

export interface SnapshotFile {
  readonly id: OffsetAndEpoch;
  readonly bytes: Uint8Array;
}

export class SimDisk implements RaftLogReader {
  quorumState: ElectionState | undefined;
  /** A quorum-state write still in the page cache (only with the unsyncedQuorumState bug). */
  unsyncedQuorumState: ElectionState | undefined;
  logStart = 0;
  log: Entry[] = [];
  syncedEnd = 0;
  snapshot: SnapshotFile | undefined;
  partial: { id: OffsetAndEpoch; bytes: number[] } | undefined;
  /**
   * kraft.version 1 (KIP-853) only: the voter set this node was formatted with (the bootstrap
   * checkpoint; empty for a node formatted without voters), and the cluster's initial set, which
   * a snapshot without a VotersRecord holds (the one in force from offset 0).
   */
  dynamic: { readonly formatted: readonly ReplicaKey[]; readonly initial: readonly ReplicaKey[] } | undefined;

  get logEnd(): number {
    return this.logStart + this.log.length;
  }

  entryAt(offset: number): Entry | undefined {
    return this.log[offset - this.logStart];
  }

  // RaftLogReader
  entries(fromOffset: number, maxEntries: number): readonly Entry[] {
    if (fromOffset < this.logStart || fromOffset > this.logEnd) throw new Error(`sim disk: read at ${fromOffset} outside [${this.logStart}, ${this.logEnd}]`);
    return this.log.slice(fromOffset - this.logStart, fromOffset - this.logStart + maxEntries);
  }

  snapshotChunk(id: OffsetAndEpoch, position: number, maxBytes: number): { bytes: Uint8Array; size: number } | undefined {
    const s = this.snapshot;
    if (s === undefined || s.id.endOffset !== id.endOffset || s.id.epoch !== id.epoch) return undefined;
    return { bytes: s.bytes.subarray(position, position + maxBytes), size: s.bytes.length };
  }

  snapshotVoters(id: OffsetAndEpoch): readonly ReplicaKey[] | undefined {
    const s = this.snapshot;
    if (s === undefined || s.id.endOffset !== id.endOffset || s.id.epoch !== id.epoch || this.dynamic === undefined) return undefined;
    return votersInKeys(decodeSnapshot(s.bytes)) ?? this.dynamic.initial;
  }

  append(entries: readonly Entry[]): void {
    for (const e of entries) {
      if (e.offset !== this.logEnd) throw new Error(`sim disk: append at ${e.offset}, log ends at ${this.logEnd}`);
      this.log.push(e);
    }
  }

  truncate(endOffset: number): void {
    this.log.length = Math.max(0, endOffset - this.logStart);
    this.syncedEnd = Math.min(this.syncedEnd, endOffset);
  }

  sync(): void {
    this.syncedEnd = this.logEnd;
  }

  /** The state machine's own snapshot was written (durably) at `file.id`; the log prefix goes. */
  writeSnapshot(file: SnapshotFile): void {
    this.snapshot = file;
  }

  deleteBefore(id: OffsetAndEpoch): void {
    if (this.snapshot?.id.endOffset !== id.endOffset) throw new Error(`sim disk: deleteBefore ${id.endOffset} without that snapshot`);
    this.log = id.endOffset >= this.logEnd ? [] : this.log.slice(id.endOffset - this.logStart);
    this.logStart = id.endOffset;
    this.syncedEnd = Math.max(this.syncedEnd, this.logStart);
  }

  snapshotChunkWritten(id: OffsetAndEpoch, position: number, bytes: Uint8Array): void {
    if (this.partial === undefined || this.partial.id.endOffset !== id.endOffset || this.partial.id.epoch !== id.epoch || position === 0) this.partial = { id, bytes: [] };
    if (position !== this.partial.bytes.length) throw new Error(`sim disk: snapshot chunk at ${position}, have ${this.partial.bytes.length}`);
    for (const b of bytes) this.partial.bytes.push(b);
  }

  installSnapshot(id: OffsetAndEpoch): SnapshotFile {
    const p = this.partial;
    if (p === undefined || p.id.endOffset !== id.endOffset || p.id.epoch !== id.epoch) throw new Error(`sim disk: install of snapshot ${JSON.stringify(id)} never fetched`);
    this.snapshot = { id, bytes: Uint8Array.from(p.bytes) };
    this.partial = undefined;
    this.log = [];
    this.logStart = id.endOffset;
    this.syncedEnd = id.endOffset;
    return this.snapshot;
  }

  /** Power loss: unsynced state goes, except a torn prefix of the unsynced log tail. */
  crash(prng: Prng): void {
    const unsynced = this.logEnd - this.syncedEnd;
    const kept = unsynced > 0 ? prng.nextInt(unsynced + 1) : 0;
    this.log.length = this.syncedEnd - this.logStart + kept;
    this.syncedEnd = this.logEnd;
    this.unsyncedQuorumState = undefined;
    this.partial = undefined;
  }

  /** What a restarting driver hands the core. */
  recovered(): { quorumState: ElectionState | undefined; log: RecoveredLog } {
    const voters = this.dynamic === undefined ? {} : { voters: { base: (this.snapshot && this.snapshotVoters(this.snapshot.id)) ?? this.dynamic.formatted, changes: votersChangesOf(this.log) } };
    const log: RecoveredLog = { startOffset: this.logStart, endOffset: this.logEnd, epochStarts: epochStartsOf(this.log), ...(this.snapshot ? { snapshotId: this.snapshot.id } : {}), ...voters };
    return { quorumState: this.unsyncedQuorumState ?? this.quorumState, log };
  }
}
