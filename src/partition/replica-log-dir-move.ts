/**
 * One replica's move to another log dir of this broker (Kafka's ReplicaAlterLogDirsThread for one
 * partition): the future log the LogManager created is filled from the replica's current log, in
 * the background, while the replica keeps serving (reads, appends, replication, its role); once
 * the copy has reached the log end, writes pause, the short tail written meanwhile is copied, and
 * the future log takes the current one's place (LogManager.commitFutureLog: the on-disk swap and
 * its commit point, log-dir-moves.ts); writes resume on the new log.
 *
 * The copy reads the current log as a replica's fetch does (to the LEO, whole batches, offsets and
 * leader epochs kept) and appends as a follower does (follower-append.ts: the future log's
 * aborted-transaction index is built from the batches, as a follower's is). It follows the current
 * log while it copies: a truncation of it (this replica following a new leader) truncates the
 * future log too, a log start moved past the copy restarts it there. A move a restart cut short
 * resumes from the future log found at startup, cut back first to where it agrees with the log.
 *
 * `throttle` is where replica.alter.log.dirs.io.max.bytes.per.second plugs in: it is awaited after
 * each chunk copied with the chunk's size (Kafka's ReplicaAlterLogDirsManager quota); unset, the
 * copy runs unthrottled. It must resolve in bounded time: cancelling a move (a redirect, the
 * replica removed, shutdown) waits for the step under way.
 */
import type { FileSystem } from '../io/file-system.js';
import type { LogManager } from '../storage/log-manager.js';
import type { PartitionLog } from '../storage/partition-log.js';
import type { Logger } from '../util/logger.js';
import { appendAsFollower } from './follower-append.js';
import type { Partition } from './partition.js';
import { ProducerStateManager } from './producer-state.js';
import { loadProducerState } from './producer-state-loader.js';

/** Bytes read from the current log per copy step (Kafka's replica.fetch.max.bytes default). */
export const DEFAULT_MOVE_CHUNK_BYTES = 1024 * 1024;

export interface LogDirMoveOptions {
  /** Awaited after each chunk copied, with its size: the io.max.bytes.per.second throttle's hook. */
  throttle?: (bytes: number) => Promise<void>;
  chunkBytes?: number;
  logger: Logger;
  /** The future log was found at startup (a move a restart interrupted): checked against the log first. */
  resumed?: boolean;
}

export class ReplicaLogDirMove {
  private cancelled = false;
  private producers = new ProducerStateManager();
  /** A truncation of the current log not yet applied to the future log. */
  private pendingTruncation: { offset: number; full: boolean } | null = null;
  /** Resolves when the move ends: true once swapped, false when cancelled or failed. */
  readonly done: Promise<boolean>;

  constructor(
    private readonly fs: FileSystem,
    private readonly logs: LogManager,
    private readonly partition: Partition,
    private readonly future: PartitionLog,
    readonly logDir: string,
    private readonly opts: LogDirMoveOptions,
  ) {
    const stopListening = partition.onTruncation((offset, full) => this.noteTruncation(offset, full));
    this.done = this.run().finally(stopListening);
  }

  /** Stops copying; the caller then drops the future log (LogManager.abortFutureLog). */
  cancel(): Promise<boolean> {
    this.cancelled = true;
    return this.done;
  }

  private get name(): string {
    return `${this.partition.topic}-${this.partition.partitionId}`;
  }

  private noteTruncation(offset: number, full: boolean): void {
    const p = this.pendingTruncation;
    if (full || p === null) this.pendingTruncation = { offset, full };
    else if (!p.full) this.pendingTruncation = { offset: Math.min(offset, p.offset), full: false };
    else this.pendingTruncation = { offset: Math.min(offset, p.offset), full: true };
  }

  private async run(): Promise<boolean> {
    try {
      if (this.opts.resumed === true) await this.reconcile();
      // Copy while the replica serves, until a read finds little left (then the swap copies the rest).
      const nearlyThere = (this.opts.chunkBytes ?? DEFAULT_MOVE_CHUNK_BYTES) / 2;
      for (;;) {
        if (this.cancelled) return false;
        const copied = await this.copyStep();
        if (copied !== null && copied < nearlyThere) break;
      }
      return !this.cancelled && (await this.swap());
    } catch (err) {
      if (!this.cancelled) this.opts.logger.warn(`moving ${this.name} to ${this.logDir} failed, it stays where it is: ${err instanceof Error ? err.stack : String(err)}`);
      await this.logs.abortFutureLog(this.partition.topic, this.partition.partitionId);
      return false;
    }
  }

  /** Copies one chunk; its size (0: the copy is at the current log end), null when the copy restarted or waits for a truncation. */
  private async copyStep(): Promise<number | null> {
    await this.applyTruncation();
    const from = this.future.logEndOffset;
    const read = await this.partition.read(from, this.opts.chunkBytes ?? DEFAULT_MOVE_CHUNK_BYTES, true, 'logEnd');
    if (read.kind === 'outOfRange') {
      // Below the log start (DeleteRecords moved it): the copy restarts there. Above the LEO: a
      // truncation is pending, applied on the next step.
      if (from < read.logStartOffset) await this.restartAt(read.logStartOffset);
      else if (this.pendingTruncation === null) this.noteTruncation(this.partition.logEndOffset, false);
      return null;
    }
    if (read.records.length === 0) return 0;
    await this.alignStart(read.records);
    await appendAsFollower(this.future, this.producers, this.fs, read.records);
    await this.opts.throttle?.(read.records.length);
    return read.records.length;
  }

  /**
   * A resumed move's future log may hold what the log no longer does (the log was truncated, as a
   * follower, after those bytes were copied, and the restart came before the copy followed): it is
   * cut back to where the two agree, found through their leader epochs as a follower finds its
   * divergence from its leader (Kafka's future replica fetches with OffsetsForLeaderEpoch too).
   */
  private async reconcile(): Promise<void> {
    this.producers = await loadProducerState(this.fs, this.future);
    for (;;) {
      const future = this.future;
      if (future.logEndOffset === future.logStartOffset) return;
      const epoch = future.epochs.latestEpoch;
      const theirs = epoch < 0 ? { epoch: -1, endOffset: -1 } : this.partition.endOffsetForEpoch(epoch);
      if (theirs.epoch < 0 || theirs.endOffset < 0) return this.restartAt(this.partition.logStartOffset);
      const mine = theirs.epoch === epoch ? future.logEndOffset : future.epochs.endOffsetFor(theirs.epoch, future.logEndOffset).endOffset;
      const cut = Math.min(mine, theirs.endOffset, future.logEndOffset);
      if (cut <= future.logStartOffset) return this.restartAt(this.partition.logStartOffset);
      if (cut < future.logEndOffset) {
        this.opts.logger.warn(`resuming the move of ${this.name}: its future log is cut from ${future.logEndOffset} to ${cut}, where it agrees with the log`);
        await future.truncateTo(cut);
        this.producers = await loadProducerState(this.fs, future);
      }
      if (theirs.epoch === epoch || cut === future.logEndOffset && theirs.epoch === future.epochs.latestEpoch) return;
    }
  }

  /** The first batch read may start below an empty future log's start (the log start is mid-batch). */
  private async alignStart(records: Buffer): Promise<void> {
    const baseOffset = Number(records.readBigInt64BE(0));
    if (baseOffset < this.future.logEndOffset && this.future.logEndOffset === this.future.logStartOffset) await this.restartAt(baseOffset);
  }

  private async restartAt(offset: number): Promise<void> {
    await this.future.truncateFullyAndStartAt(offset);
    this.producers = new ProducerStateManager();
  }

  private async applyTruncation(): Promise<void> {
    const t = this.pendingTruncation;
    if (t === null) return;
    this.pendingTruncation = null;
    if (t.full) return this.restartAt(t.offset);
    if (t.offset >= this.future.logEndOffset) return;
    await this.future.truncateTo(Math.max(t.offset, this.future.logStartOffset));
    this.producers = await loadProducerState(this.fs, this.future);
  }

  /**
   * Writes paused: the tail written since the last step is copied, then the swap; writes resume
   * on the new log. Reads keep running throughout (on the old log until the swap). False when
   * cancelled meanwhile.
   */
  private async swap(): Promise<boolean> {
    const resume = this.partition.pauseWrites();
    let retireOld: (() => Promise<void>) | null = null;
    try {
      const current = this.logs.getLog(this.partition.topic, this.partition.partitionId);
      if (current === undefined) throw new Error(`${this.name} has no log any more`);
      await current.settled();
      while ((await this.copyStep()) !== 0 || this.pendingTruncation !== null || this.future.logEndOffset !== current.logEndOffset) {
        if (this.cancelled) return false;
      }
      if (this.cancelled) return false;
      const committed = await this.logs.commitFutureLog(this.partition.topic, this.partition.partitionId);
      this.partition.swapLog(committed.log);
      retireOld = committed.retireOld;
      // A new leader epoch recorded on the old log during the swap (becomeLeader is not a paused
      // write: metadata keeps flowing) is recorded on the new one too.
      if (JSON.stringify(current.epochs.list()) !== JSON.stringify(committed.log.epochs.list())) {
        for (const e of current.epochs.list()) committed.log.epochs.assign(e.epoch, e.startOffset);
        await committed.log.epochs.persist();
      }
    } finally {
      resume();
    }
    // Snapshot the producer state in the new dir, so a restart need not rebuild it from the log.
    if (retireOld === null) return false;
    await this.partition.saveProducerSnapshot(this.fs);
    await retireOld();
    return true;
  }
}
