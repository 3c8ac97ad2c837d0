/**
 * One partition's log: an ordered list of segments, offset assignment, the write pipeline, group
 * commit fsync, fetch reads and timestamp lookups. Request handlers call exactly this API.
 *
 * Write pipeline: append() validates the batches' shape, assigns offsets and a file position
 * synchronously (so concurrent calls are ordered by call order), patches baseOffset and
 * partitionLeaderEpoch in the caller's buffer (both outside the CRC) and queues the buffer. One
 * drain loop writes queued buffers in order, coalescing consecutive appends to the same segment
 * into one positional writev; a roll is a queue entry too, so it happens between the right writes.
 *
 * Maintenance (retention, DeleteRecords, compaction swaps) runs one operation at a time under
 * `maintenance()`, and replaces the segment list with a new array instead of mutating it, so a read
 * that took a snapshot of the list stays consistent; a segment leaving the list is closed only once
 * the reads pinned on it finish, and its files are renamed `.deleted` and removed after
 * file.delete.delay.ms (Kafka's asynchronous delete; a restart removes leftovers).
 *
 * Invariants:
 * - logStartOffset <= recoveryPoint <= logEndOffset <= nextOffset (assigned);
 * - logStartOffset >= the first segment's baseOffset;
 * - logEndOffset only advances when every byte below it is written, in offset order, so reads
 *   (which never look past it) never see a half-written batch;
 * - after a write or fsync error the log is failed: every later append rejects (the bytes on disk
 *   are unknown until recovery re-reads them).
 */
import * as path from 'node:path';
import { type Clock, type Timer, systemClock } from '../io/clock.js';
import type { FileSystem } from '../io/file-system.js';
import { appendShape } from './batch-validation.js';
import { LogClosedError, LogFailedError, OffsetOutOfRangeError, RecordBatchTooLargeError } from './errors.js';
import { GroupCommit } from './group-commit.js';
import { followerBatches, patchBatches, recordEpochs, stampLogAppendTime } from './batch-patching.js';
import { LeaderEpochCache } from './leader-epoch-cache.js';
import { truncateSegments } from './log-truncation.js';
import { SegmentDeleter } from './segment-deleter.js';
import { segmentIndexIn, segmentLargestTimestamp } from './segment-list.js';
import { type LogConfig, NEVER, checkLogConfig, flushTimerEnabled } from './log-config.js';
import { loadSegments } from './log-loader.js';
import { LogSegment } from './log-segment.js';
import { syncPartitionMetadata } from './partition-metadata.js';
import { truncateAbortedTxns } from './transaction-index.js';

export type { LogConfig } from './log-config.js';

const INT32_MAX = 0x7fffffff;
const INT32_MIN = -0x80000000;
/** writev takes at most IOV_MAX (1024 on Linux) buffers per call. */
const MAX_COALESCED_WRITES = 1024;
const EMPTY = Buffer.alloc(0);

export interface PartitionLogOptions {
  /** Everything below was fsynced before the last shutdown (from recovery-point-offset-checkpoint). */
  recoveryPoint?: number;
  logStartOffset?: number;
  topicId?: string;
  /** The log dir had a clean-shutdown marker: trust the indexes, check only the last segment's tail. */
  hadCleanShutdown?: boolean;
  clock?: Clock;
}

export interface AppendResult {
  firstOffset: number;
  lastOffset: number;
  batchCount: number;
  /** Set for a LogAppendTime log: the time the broker stamped on every batch of this append. */
  logAppendTimeMs?: number;
}

export type ReadResult = { kind: 'ok'; records: Buffer } | { kind: 'outOfRange' };

interface AppendOp {
  kind: 'append';
  segment: LogSegment;
  buf: Buffer;
  position: number;
  result: AppendResult;
  resolve: (r: AppendResult) => void;
  reject: (e: Error) => void;
}

interface RollOp {
  kind: 'roll';
  from: LogSegment;
  to: LogSegment;
  /** Called once the roll has happened (or the log failed before it could). */
  done?: () => void;
}

type WriteOp = AppendOp | RollOp;

export class PartitionLog {
  private nextOffset: number;
  private leo: number;
  private rp: number;
  private lso: number;
  private bytes: number;
  private maxTimestamp: { timestamp: number; offset: number } | null = null;
  private queue: WriteOp[] = [];
  private queueHead = 0;
  private draining = false;
  private leoWaiters: { target: number; resolve: () => void }[] = [];
  private failure: Error | null = null;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closing: Promise<void> | null = null;
  private flushTimer: Timer | null = null;
  private dirNeedsSync = false;
  private readonly commit = new GroupCommit(() => this.flushRound());
  private maintenanceChain: Promise<unknown> = Promise.resolve();
  /** Segments that left the log and whose files await removal. */
  private readonly deleter: SegmentDeleter;
  /** Compaction progress: everything below this offset is clean (Kafka's cleaner checkpoint). */
  firstDirtyOffset: number;

  private constructor(
    private readonly fs: FileSystem,
    readonly dir: string,
    private config: LogConfig,
    private readonly clock: Clock,
    private segments: LogSegment[],
    logStartOffset: number,
    /** The topic id from partition.metadata (undefined for a log created without one). */
    readonly topicId: string | undefined,
    /** What loading had to repair (truncations, rebuilt indexes): for the caller to log. */
    readonly recoveryNotes: readonly string[],
    /** The leader epochs of this log and where each starts (leader-epoch-checkpoint). */
    readonly epochs: LeaderEpochCache,
  ) {
    const last = segments[segments.length - 1]!;
    this.leo = last.lastOffset + 1;
    this.nextOffset = this.leo;
    this.rp = this.leo;
    this.lso = Math.min(Math.max(logStartOffset, segments[0]!.baseOffset), this.leo);
    this.firstDirtyOffset = this.lso;
    this.deleter = new SegmentDeleter(fs, dir, clock, () => this.config.fileDeleteDelayMs, (m) => this.onBackgroundError?.(m));
    this.bytes = 0;
    for (const s of segments) {
      this.bytes += s.committedBytes;
      this.noteMaxTimestamp(s);
    }
  }

  static async open(fs: FileSystem, dir: string, config: LogConfig, opts: PartitionLogOptions = {}): Promise<PartitionLog> {
    checkLogConfig(config);
    const clock = opts.clock ?? systemClock;
    await fs.mkdirs(dir);
    const topicId = await syncPartitionMetadata(fs, dir, opts.topicId);
    const logStartOffset = opts.logStartOffset ?? 0;
    const loaded = await loadSegments(fs, dir, config, {
      recoveryPoint: opts.recoveryPoint ?? 0,
      logStartOffset,
      hadCleanShutdown: opts.hadCleanShutdown ?? false,
      nowMs: clock.nowMs(),
    });
    // Creations and deletions done while loading must survive a crash right after open.
    await fs.syncDir(dir);
    const epochs = await LeaderEpochCache.load(fs, dir);
    const log = new PartitionLog(fs, dir, config, clock, loaded.segments, logStartOffset, topicId, loaded.notes, epochs);
    // Kafka's LogLoader: entries past the recovered end, or below the start, no longer describe the log.
    if (epochs.truncateFromEnd(log.leo) || epochs.truncateFromStart(log.lso)) await epochs.persist();
    return log;
  }

  get logStartOffset(): number {
    return this.lso;
  }

  /** The offset after the last fully written record (appends in flight are not included). */
  /** The offset the next append will get (appends in flight included): what producer state records. */
  get nextOffsetToAssign(): number {
    return this.nextOffset;
  }

  get logEndOffset(): number {
    return this.leo;
  }

  get recoveryPoint(): number {
    return this.rp;
  }

  get sizeInBytes(): number {
    return this.bytes;
  }

  /** Base offset of the active segment (where the next append lands, absent a roll). */
  get activeSegmentBaseOffset(): number {
    return this.segments[this.segments.length - 1]!.baseOffset;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /** The settings in force (replaced by updateConfig). */
  get logConfig(): LogConfig {
    return this.config;
  }

  /** The segments, oldest first (a snapshot: the log replaces the array rather than mutating it). */
  segmentList(): readonly LogSegment[] {
    return this.segments;
  }

  /**
   * Applies new settings without a restart (AlterConfigs). Roll, index cadence, flush and
   * retention settings apply from the next append or check; index capacities of existing segments
   * keep their size.
   */
  updateConfig(config: LogConfig): void {
    checkLogConfig(config);
    this.config = config;
    for (const s of this.segments) s.config = config;
    if (this.flushTimer !== null && !flushTimerEnabled(config)) {
      this.flushTimer.cancel();
      this.flushTimer = null;
    }
    this.armFlushTimer();
  }

  /** A leader's append: offsets assigned from the log end, every batch stamped with `leaderEpoch`. */
  append(batches: Buffer, leaderEpoch: number): Promise<AppendResult> {
    return this.appendWith(batches, leaderEpoch);
  }

  /**
   * A follower's append (Kafka's appendAsFollower): the leader's batches keep their offsets and
   * epochs; they must be CRC-valid and start at or after the log end (InvalidBatchesError).
   */
  appendAsFollower(batches: Buffer): Promise<AppendResult> {
    return this.appendWith(batches, null);
  }

  private appendWith(batches: Buffer, leaderEpoch: number | null): Promise<AppendResult> {
    let p: Promise<AppendResult>;
    try {
      p = this.enqueueAppend(batches, leaderEpoch);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.config.flushIntervalMessages >= NEVER) return p;
    return p.then(async (r) => {
      if (this.leo - this.rp >= this.config.flushIntervalMessages) await this.flush();
      return r;
    });
  }

  private enqueueAppend(batches: Buffer, leaderEpoch: number | null): Promise<AppendResult> {
    this.throwIfNotWritable();
    if (leaderEpoch !== null && (!Number.isInteger(leaderEpoch) || leaderEpoch < INT32_MIN || leaderEpoch > INT32_MAX)) {
      throw new RangeError(`leader epoch ${leaderEpoch} is not an int32`);
    }
    const shape = appendShape(batches);
    if (shape.largestBatchBytes > this.config.segmentBytes) {
      throw new RecordBatchTooLargeError(`batch of ${shape.largestBatchBytes} bytes exceeds segment.bytes ${this.config.segmentBytes}`);
    }
    const follower = leaderEpoch === null ? followerBatches(batches, this.nextOffset) : null;
    const firstOffset = follower?.firstOffset ?? this.nextOffset;
    const lastOffset = follower?.lastOffset ?? firstOffset + shape.offsetCount - 1;
    if (!Number.isSafeInteger(lastOffset)) throw new RangeError(`offset ${lastOffset} is not a safe integer`);
    // Only LogAppendTime logs pay for a CRC recomputation; CreateTime appends stay copy- and CRC-free.
    const appendTimeMs = this.config.logAppendTime && leaderEpoch !== null ? this.clock.nowMs() : -1;
    if (appendTimeMs >= 0) stampLogAppendTime(batches, appendTimeMs);
    const maxTimestamp = leaderEpoch === null ? follower!.maxTimestamp : patchBatches(batches, firstOffset, leaderEpoch);
    const epochsChanged = recordEpochs(this.epochs, batches);
    let segment = this.activeSegment();
    if (segment.shouldRoll(batches.length, lastOffset, maxTimestamp, this.clock.nowMs())) segment = this.roll(firstOffset);
    const position = segment.reserve(batches.length);
    this.nextOffset = lastOffset + 1;
    const result: AppendResult = { firstOffset, lastOffset, batchCount: shape.batchCount };
    if (appendTimeMs >= 0) result.logAppendTimeMs = appendTimeMs;
    const done = new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ kind: 'append', segment, buf: batches, position, result, resolve, reject });
    });
    void this.drain();
    // Kafka writes a new epoch's checkpoint before the batch: here the append completes after both.
    return epochsChanged ? Promise.all([done, this.epochs.persist()]).then(([r]) => r) : done;
  }

  private activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1]!;
  }

  /** Starts a new segment at `baseOffset` now; its file is created by the drain loop, in order. */
  private roll(baseOffset: number): LogSegment {
    const from = this.activeSegment();
    const to = new LogSegment(this.fs, this.dir, baseOffset, this.config, this.clock.nowMs());
    this.segments = [...this.segments, to];
    this.queue.push({ kind: 'roll', from, to });
    return to;
  }

  /**
   * Rolls the active segment now (when it holds anything) and resolves once the roll happened, so
   * every byte of the old active segment is written. Used before deleting it (Kafka's deleteSegments
   * rolls when retention removes every segment).
   */
  private rollNow(): Promise<void> {
    this.throwIfNotWritable();
    if (this.activeSegment().reservedBytes === 0) return Promise.resolve();
    const to = this.roll(this.nextOffset);
    const op = this.queue[this.queue.length - 1] as RollOp;
    if (op.to !== to) throw new Error('roll op not queued last');
    const done = new Promise<void>((resolve) => (op.done = resolve));
    void this.drain();
    return done;
  }

  private throwIfNotWritable(): void {
    if (this.state !== 'open') throw new LogClosedError(`log ${this.dir} is closed`);
    if (this.failure !== null) throw new LogFailedError(`log ${this.dir} failed: ${this.failure.message}`, { cause: this.failure });
  }

  /** Writes queued ops in order until the queue is empty. Never rejects: errors fail the log. */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queueHead < this.queue.length) {
        if (this.failure !== null) {
          this.rejectQueued();
          break;
        }
        await this.runNext();
      }
    } finally {
      this.draining = false;
    }
  }

  private async runNext(): Promise<void> {
    const op = this.queue[this.queueHead]!;
    try {
      if (op.kind === 'roll') {
        await op.from.seal();
        await op.to.openLog(true);
        this.dirNeedsSync = true;
        this.queueHead++;
        op.done?.();
        // Kafka's roll schedules a flush of the log up to the new segment: without it a crash soon
        // after could keep the new segment while losing the old one's unsynced bytes (a hole in
        // the log, as a follower, which never flushes otherwise, would recover it). A failed flush
        // has failed the log already (flushRound).
        void this.flush().catch(() => undefined);
      } else {
        const end = this.coalescedEnd(op.segment);
        const buffers: Buffer[] = [];
        for (let i = this.queueHead; i < end; i++) buffers.push((this.queue[i] as AppendOp).buf);
        await op.segment.write(buffers, op.position);
        this.completeAppends(end);
      }
    } catch (err) {
      this.fail(err);
    }
    this.compactQueue();
  }

  /** End (exclusive) of the run of appends to `segment` starting at the queue head. */
  private coalescedEnd(segment: LogSegment): number {
    let end = this.queueHead + 1;
    while (end < this.queue.length && end - this.queueHead < MAX_COALESCED_WRITES) {
      const next = this.queue[end]!;
      if (next.kind !== 'append' || next.segment !== segment) break;
      end++;
    }
    return end;
  }

  private completeAppends(end: number): void {
    const done: AppendOp[] = [];
    for (let i = this.queueHead; i < end; i++) {
      const op = this.queue[i] as AppendOp;
      op.segment.onWritten(op.buf, op.position);
      this.bytes += op.buf.length;
      this.leo = op.result.lastOffset + 1;
      done.push(op);
    }
    this.queueHead = end;
    this.noteMaxTimestamp(this.activeSegmentOf(done));
    this.wakeLeoWaiters();
    this.armFlushTimer();
    for (const op of done) op.resolve(op.result);
  }

  private activeSegmentOf(done: readonly AppendOp[]): LogSegment {
    return done[done.length - 1]!.segment;
  }

  private noteMaxTimestamp(seg: LogSegment): void {
    if (seg.maxTimestampSoFar < 0) return;
    if (this.maxTimestamp === null || seg.maxTimestampSoFar > this.maxTimestamp.timestamp) {
      this.maxTimestamp = { timestamp: seg.maxTimestampSoFar, offset: seg.offsetOfMaxTimestampSoFar };
    }
  }

  private compactQueue(): void {
    if (this.queueHead === this.queue.length) {
      this.queue.length = 0;
      this.queueHead = 0;
    } else if (this.queueHead >= 64) {
      // Drop references to written buffers so the queue does not pin them.
      this.queue.splice(0, this.queueHead);
      this.queueHead = 0;
    }
  }

  private fail(err: unknown): void {
    if (this.failure === null) this.failure = err instanceof Error ? err : new Error(String(err));
    this.rejectQueued();
    this.wakeLeoWaiters();
  }

  private rejectQueued(): void {
    const failure = this.failure ?? new Error('log failed');
    for (let i = this.queueHead; i < this.queue.length; i++) {
      const op = this.queue[i]!;
      if (op.kind === 'append') op.reject(new LogFailedError(`log ${this.dir} failed: ${failure.message}`, { cause: failure }));
      else op.done?.();
    }
    this.queue.length = 0;
    this.queueHead = 0;
  }

  /** Resolves once every offset below `target` is written (or the log failed). */
  private waitForLeo(target: number): Promise<void> {
    if (this.leo >= target || this.failure !== null) return Promise.resolve();
    return new Promise((resolve) => this.leoWaiters.push({ target, resolve }));
  }

  private wakeLeoWaiters(): void {
    if (this.leoWaiters.length === 0) return;
    const still: { target: number; resolve: () => void }[] = [];
    for (const w of this.leoWaiters) {
      if (this.leo >= w.target || this.failure !== null) w.resolve();
      else still.push(w);
    }
    this.leoWaiters = still;
  }

  private armFlushTimer(): void {
    if (this.flushTimer !== null || !flushTimerEnabled(this.config) || this.leo <= this.rp) return;
    this.flushTimer = this.clock.setTimer(this.config.flushIntervalMs, () => {
      this.flushTimer = null;
      if (this.state !== 'open') return;
      // flushRound already failed the log on error; this catch only keeps the rejection handled.
      this.flush().catch((err: unknown) => this.fail(err));
    });
  }

  /** fsync everything appended before the call; concurrent callers share one round (group commit). */
  flush(): Promise<void> {
    if (this.state === 'closed') return Promise.resolve();
    return this.commit.request();
  }

  private async flushRound(): Promise<void> {
    const target = this.nextOffset;
    await this.waitForLeo(target);
    this.throwIfFailed();
    try {
      if (this.dirNeedsSync) {
        this.dirNeedsSync = false;
        await this.fs.syncDir(this.dir);
      }
      const segs = this.segments;
      const toFlush = segs.slice(segmentIndexIn(segs, this.rp)).filter((s) => !s.retired);
      for (const s of toFlush) s.pin();
      try {
        await Promise.all(toFlush.map((s) => s.flushLog()));
      } finally {
        for (const s of toFlush) s.unpin();
      }
    } catch (err) {
      this.fail(err);
      throw err;
    }
    if (target > this.rp) this.rp = target;
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw new LogFailedError(`log ${this.dir} failed: ${this.failure.message}`, { cause: this.failure });
  }

  async read(fetchOffset: number, maxBytes: number, minOneMessage: boolean): Promise<ReadResult> {
    if (this.state === 'closed') throw new LogClosedError(`log ${this.dir} is closed`);
    const leo = this.leo;
    if (fetchOffset < this.lso || fetchOffset > leo) return { kind: 'outOfRange' };
    if (fetchOffset === leo) return { kind: 'ok', records: EMPTY };
    const limit = Math.max(0, maxBytes);
    const segs = this.segments;
    for (let i = segmentIndexIn(segs, fetchOffset); i < segs.length; i++) {
      const seg = segs[i]!;
      // A segment that left the log meanwhile (retention, compaction) is skipped, never read closed.
      if (seg.retired || !seg.isOpen) continue;
      seg.pin();
      try {
        const records = await seg.read(fetchOffset, limit, minOneMessage, seg.committedBytes);
        if (records !== null) return { kind: 'ok', records };
      } finally {
        seg.unpin();
      }
    }
    return { kind: 'ok', records: EMPTY };
  }

  async findBatchByTimestamp(timestampMs: number): Promise<Buffer | null> {
    if (this.state === 'closed') throw new LogClosedError(`log ${this.dir} is closed`);
    const segs = this.segments;
    for (let i = segmentIndexIn(segs, this.lso); i < segs.length; i++) {
      const seg = segs[i]!;
      if (seg.retired || !seg.isOpen) continue;
      seg.pin();
      try {
        const found = await seg.findBatchByTimestamp(timestampMs, seg.committedBytes);
        if (found !== null) return found;
      } finally {
        seg.unpin();
      }
    }
    return null;
  }

  /**
   * Resolves once every append and maintenance operation asked for so far is done: with no new
   * ones started meanwhile, the log's files hold exactly [logStartOffset, logEndOffset) (a replica
   * moving to another log dir swaps at such a moment).
   */
  settled(): Promise<void> {
    return this.maintenance(() => this.waitForLeo(this.nextOffset));
  }

  /** Runs `fn` after every earlier maintenance operation (retention, DeleteRecords, compaction). */
  maintenance<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.maintenanceChain.then(fn);
    this.maintenanceChain = run.catch(() => undefined);
    return run;
  }

  /**
   * Kafka's UnifiedLog.deleteOldSegments: with cleanup.policy delete, segments past retention.ms
   * (by their largest timestamp) and, oldest first, those that bring the log under retention.bytes;
   * under any policy, segments wholly below the log start offset. The active segment goes too when
   * it qualifies (after a roll, so the log keeps an empty active segment at the log end).
   * Returns how many segments were deleted.
   */
  deleteOldSegments(): Promise<number> {
    return this.maintenance(async () => {
      if (this.state !== 'open' || this.failure !== null) return 0;
      const nowMs = this.clock.nowMs();
      let deleted = 0;
      if (this.config.cleanupDelete) {
        const retentionMs = this.config.retentionMs;
        if (retentionMs >= 0) deleted += await this.deleteWhile((seg) => nowMs - segmentLargestTimestamp(seg) > retentionMs);
        const retentionBytes = this.config.retentionBytes;
        if (retentionBytes >= 0) {
          let diff = this.bytes - retentionBytes;
          deleted += await this.deleteWhile((seg) => {
            if (diff - seg.committedBytes < 0) return false;
            diff -= seg.committedBytes;
            return true;
          });
        }
      }
      deleted += await this.deleteWhile((_seg, next) => next !== undefined && next.baseOffset <= this.lso);
      return deleted;
    });
  }

  /**
   * Kafka's deleteRecords: moves the log start offset up to `offset` (which must not pass the log
   * end) and deletes the segments wholly below it. Returns the new log start offset (the low
   * watermark); an offset at or below the current start changes nothing.
   */
  deleteRecordsBefore(offset: number): Promise<number> {
    if (offset > this.leo || offset < 0) {
      return Promise.reject(new OffsetOutOfRangeError(`offset ${offset} is outside [0, ${this.leo}] of ${this.dir}`));
    }
    return this.maintenance(async () => {
      this.throwIfNotWritable();
      if (offset > this.lso) this.advanceLogStartOffset(offset);
      await this.deleteWhile((_seg, next) => next !== undefined && next.baseOffset <= this.lso);
      return this.lso;
    });
  }

  private advanceLogStartOffset(offset: number): void {
    this.lso = Math.max(this.lso, offset);
    if (this.rp < this.lso) this.rp = this.lso;
    if (this.firstDirtyOffset < this.lso) this.firstDirtyOffset = this.lso;
    if (this.epochs.truncateFromStart(this.lso)) this.epochs.persist().catch((e: unknown) => this.onBackgroundError?.(`leader-epoch-checkpoint: ${(e as Error).message}`));
  }

  /**
   * Kafka's UnifiedLog.truncateTo: drops every offset from `offset` on (whole batches; a target
   * below the log start empties the log and starts it there). Segments, indexes, the epoch cache,
   * the recovery point and the aborted-transaction indexes follow; the caller rebuilds what it
   * keeps above the log (producer state, the high watermark). Waits for writes in flight.
   */
  truncateTo(offset: number): Promise<void> {
    if (offset < this.lso) return this.truncateFullyAndStartAt(offset);
    return this.maintenance(async () => {
      this.throwIfNotWritable();
      await this.waitForLeo(this.nextOffset);
      this.throwIfFailed();
      // Kafka's too: an epoch this replica started as leader without writing to it ends at the log end.
      if (offset >= this.leo) {
        if (this.epochs.truncateFromEnd(this.leo)) await this.epochs.persist();
        return;
      }
      const { kept, removed } = await truncateSegments(this.segments, offset);
      this.segments = kept;
      for (const seg of removed) this.bytes -= seg.committedBytes;
      for (const seg of removed) await this.scheduleDelete(seg);
      this.resetEnd(kept[kept.length - 1]!.lastOffset + 1);
      this.epochs.truncateFromEnd(this.leo);
      await this.epochs.persist();
      await truncateAbortedTxns(this.fs, this.dir, this.leo);
    });
  }

  /** Kafka's truncateFullyAndStartAt: every segment goes; the log restarts empty at `offset`. */
  truncateFullyAndStartAt(offset: number): Promise<void> {
    return this.maintenance(async () => {
      this.throwIfNotWritable();
      await this.waitForLeo(this.nextOffset);
      this.throwIfFailed();
      const old = this.segments;
      for (const seg of old) await this.scheduleDelete(seg);
      const fresh = new LogSegment(this.fs, this.dir, offset, this.config, this.clock.nowMs());
      await fresh.openLog(true);
      await this.fs.syncDir(this.dir);
      this.segments = [fresh];
      this.bytes = 0;
      this.lso = offset;
      this.firstDirtyOffset = offset;
      this.resetEnd(offset);
      this.epochs.clear();
      await this.epochs.persist();
      await truncateAbortedTxns(this.fs, this.dir, 0);
    });
  }

  /** The log end moved back to `leo` (truncation): offsets, recovery point, max timestamp follow. */
  private resetEnd(leo: number): void {
    this.leo = leo;
    this.nextOffset = leo;
    this.rp = Math.min(this.rp, leo);
    if (this.firstDirtyOffset > leo) this.firstDirtyOffset = leo;
    this.maxTimestamp = null;
    for (const s of this.segments) this.noteMaxTimestamp(s);
  }

  /**
   * Kafka's deletableSegments + deleteSegments: the prefix of segments for which `shouldDelete`
   * holds, each wholly written, never an empty active segment.
   */
  private async deleteWhile(shouldDelete: (seg: LogSegment, next: LogSegment | undefined) => boolean): Promise<number> {
    let doomed = this.deletablePrefix(shouldDelete);
    if (doomed === 0) return 0;
    if (doomed === this.segments.length) {
      // The active segment qualified, but appends whose offsets were assigned before the roll is
      // queued still land in it while we wait: if it grew, it was judged on stale contents (it may
      // now hold unexpired records), so it stays for the next check.
      const active = this.segments[doomed - 1]!;
      const judgedBytes = active.committedBytes;
      await this.rollNow();
      this.throwIfFailed();
      doomed = Math.min(doomed, this.segments.length - 1);
      if (active.committedBytes !== judgedBytes) doomed = Math.min(doomed, this.segments.indexOf(active));
      if (doomed <= 0) return 0;
    }
    const gone = this.segments.slice(0, doomed);
    this.segments = this.segments.slice(doomed);
    for (const seg of gone) {
      seg.retired = true;
      this.bytes -= seg.committedBytes;
    }
    this.advanceLogStartOffset(this.segments[0]!.baseOffset);
    for (const seg of gone) await this.scheduleDelete(seg);
    return gone.length;
  }

  private deletablePrefix(shouldDelete: (seg: LogSegment, next: LogSegment | undefined) => boolean): number {
    const segs = this.segments;
    let n = 0;
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i]!;
      const next = segs[i + 1];
      const upperBound = next === undefined ? this.leo : next.baseOffset;
      const lastAndEmpty = next === undefined && seg.reservedBytes === 0;
      if (this.leo < upperBound || lastAndEmpty || !shouldDelete(seg, next)) break;
      n++;
    }
    return n;
  }

  /** Kafka's asynchronous delete of a segment that left the log (segment-deleter.ts). */
  scheduleDelete(seg: LogSegment): Promise<void> {
    return this.deleter.schedule(seg);
  }

  /** Where background work reports errors that do not fail the log (set by the LogManager). */
  onBackgroundError: ((message: string) => void) | null = null;

  /**
   * Compaction's swap: `replacement` (already durable under its final name) takes the place of
   * `old` (a consecutive run of non-active segments starting at the same base offset).
   */
  replaceSegments(old: readonly LogSegment[], replacement: LogSegment): void {
    const segs = this.segments;
    const start = segs.indexOf(old[0]!);
    if (start < 0 || old.some((s, i) => segs[start + i] !== s) || start + old.length >= segs.length) {
      throw new Error(`compaction swap of ${old.length} segments from ${old[0]?.baseOffset} does not match the log`);
    }
    if (replacement.baseOffset !== old[0]!.baseOffset) throw new Error('replacement segment must keep the base offset');
    this.segments = [...segs.slice(0, start), replacement, ...segs.slice(start + old.length)];
    for (const s of old) {
      s.retired = true;
      this.bytes -= s.committedBytes;
    }
    this.bytes += replacement.committedBytes;
  }


  maxTimestampAndOffset(): { timestamp: number; offset: number } | null {
    return this.maxTimestamp === null ? null : { ...this.maxTimestamp };
  }

  /**
   * Waits for queued writes, fsyncs, writes the active segment's indexes, closes every file.
   * Rejects (after closing the files) if the log had failed, since its tail was not flushed.
   */
  close(): Promise<void> {
    if (this.closing === null) this.closing = this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    this.state = 'closing';
    await this.waitForLeo(this.nextOffset);
    this.flushTimer?.cancel();
    this.flushTimer = null;
    try {
      if (this.failure === null) {
        await this.commit.request();
        await this.activeSegment().seal();
      }
    } finally {
      this.state = 'closed';
      await this.maintenanceChain;
      // A read already under way finishes first (one on a log a log-dir move just replaced, say).
      for (const s of this.segments) await s.closeWhenUnused();
      await this.deleter.runAll();
    }
    // A failed log did not flush: the caller must not record a clean shutdown for it.
    this.throwIfFailed();
  }

  /** Closes the log and removes its directory. */
  async delete(): Promise<void> {
    try {
      await this.close();
    } catch (err) {
      // A failed log reports its failure from close(); the failure was already surfaced to every
      // append and flush, and the data is being removed, so only other errors matter here.
      if (this.failure === null) throw err;
    }
    await this.fs.rm(this.dir);
    await this.fs.syncDir(path.dirname(this.dir));
  }
}
