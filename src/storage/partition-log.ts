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
 * Invariants:
 * - logStartOffset <= recoveryPoint <= logEndOffset <= nextOffset (assigned);
 * - logEndOffset only advances when every byte below it is written, in offset order, so reads
 *   (which never look past it) never see a half-written batch;
 * - after a write or fsync error the log is failed: every later append rejects (the bytes on disk
 *   are unknown until recovery re-reads them).
 */
import * as path from 'node:path';
import { MAX_TIMESTAMP_OFFSET, PARTITION_LEADER_EPOCH_OFFSET, batchSizeAt, lastOffsetDeltaAt } from '../protocol/records/batch-header.js';
import { type Clock, type Timer, systemClock } from '../io/clock.js';
import type { FileSystem } from '../io/file-system.js';
import { appendShape } from './batch-validation.js';
import { LogClosedError, LogFailedError, RecordBatchTooLargeError } from './errors.js';
import { GroupCommit } from './group-commit.js';
import { readInt64, writeInt64 } from './int64.js';
import { type LogConfig, NEVER, checkLogConfig, flushTimerEnabled } from './log-config.js';
import { loadSegments } from './log-loader.js';
import { LogSegment } from './log-segment.js';
import { syncPartitionMetadata } from './partition-metadata.js';

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

  private constructor(
    private readonly fs: FileSystem,
    readonly dir: string,
    private readonly config: LogConfig,
    private readonly clock: Clock,
    private readonly segments: LogSegment[],
    logStartOffset: number,
    /** The topic id from partition.metadata (undefined for a log created without one). */
    readonly topicId: string | undefined,
    /** What loading had to repair (truncations, rebuilt indexes): for the caller to log. */
    readonly recoveryNotes: readonly string[],
  ) {
    const last = segments[segments.length - 1]!;
    this.leo = last.lastOffset + 1;
    this.nextOffset = this.leo;
    this.rp = this.leo;
    this.lso = Math.min(Math.max(logStartOffset, segments[0]!.baseOffset), this.leo);
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
    return new PartitionLog(fs, dir, config, clock, loaded.segments, logStartOffset, topicId, loaded.notes);
  }

  get logStartOffset(): number {
    return this.lso;
  }

  /** The offset after the last fully written record (appends in flight are not included). */
  get logEndOffset(): number {
    return this.leo;
  }

  get recoveryPoint(): number {
    return this.rp;
  }

  get sizeInBytes(): number {
    return this.bytes;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  append(batches: Buffer, leaderEpoch: number): Promise<AppendResult> {
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

  private enqueueAppend(batches: Buffer, leaderEpoch: number): Promise<AppendResult> {
    this.throwIfNotWritable();
    if (!Number.isInteger(leaderEpoch) || leaderEpoch < INT32_MIN || leaderEpoch > INT32_MAX) {
      throw new RangeError(`leader epoch ${leaderEpoch} is not an int32`);
    }
    const shape = appendShape(batches);
    if (shape.largestBatchBytes > this.config.segmentBytes) {
      throw new RecordBatchTooLargeError(`batch of ${shape.largestBatchBytes} bytes exceeds segment.bytes ${this.config.segmentBytes}`);
    }
    const firstOffset = this.nextOffset;
    const lastOffset = firstOffset + shape.offsetCount - 1;
    if (!Number.isSafeInteger(lastOffset)) throw new RangeError(`offset ${lastOffset} is not a safe integer`);
    const maxTimestamp = patchBatches(batches, firstOffset, leaderEpoch);
    let segment = this.activeSegment();
    if (segment.shouldRoll(batches.length, lastOffset, maxTimestamp, this.clock.nowMs())) segment = this.roll(firstOffset);
    const position = segment.reserve(batches.length);
    this.nextOffset = lastOffset + 1;
    const result: AppendResult = { firstOffset, lastOffset, batchCount: shape.batchCount };
    const done = new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ kind: 'append', segment, buf: batches, position, result, resolve, reject });
    });
    void this.drain();
    return done;
  }

  private activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1]!;
  }

  /** Starts a new segment at `baseOffset` now; its file is created by the drain loop, in order. */
  private roll(baseOffset: number): LogSegment {
    const from = this.activeSegment();
    const to = new LogSegment(this.fs, this.dir, baseOffset, this.config, this.clock.nowMs());
    this.segments.push(to);
    this.queue.push({ kind: 'roll', from, to });
    return to;
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
      const from = this.segmentIndexFor(this.rp);
      await Promise.all(this.segments.slice(from).map((s) => s.flushLog()));
    } catch (err) {
      this.fail(err);
      throw err;
    }
    if (target > this.rp) this.rp = target;
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw new LogFailedError(`log ${this.dir} failed: ${this.failure.message}`, { cause: this.failure });
  }

  /** Index of the last segment with baseOffset <= offset (0 when offset precedes them all). */
  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.segments[mid]!.baseOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  async read(fetchOffset: number, maxBytes: number, minOneMessage: boolean): Promise<ReadResult> {
    if (this.state === 'closed') throw new LogClosedError(`log ${this.dir} is closed`);
    const leo = this.leo;
    if (fetchOffset < this.lso || fetchOffset > leo) return { kind: 'outOfRange' };
    if (fetchOffset === leo) return { kind: 'ok', records: EMPTY };
    const limit = Math.max(0, maxBytes);
    for (let i = this.segmentIndexFor(fetchOffset); i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      const records = await seg.read(fetchOffset, limit, minOneMessage, seg.committedBytes);
      if (records !== null) return { kind: 'ok', records };
    }
    return { kind: 'ok', records: EMPTY };
  }

  async findBatchByTimestamp(timestampMs: number): Promise<Buffer | null> {
    if (this.state === 'closed') throw new LogClosedError(`log ${this.dir} is closed`);
    for (let i = this.segmentIndexFor(this.lso); i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      const found = await seg.findBatchByTimestamp(timestampMs, seg.committedBytes);
      if (found !== null) return found;
    }
    return null;
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
      for (const s of this.segments) await s.close();
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

/**
 * Assigns consecutive offsets from `firstOffset` by patching each batch's baseOffset and
 * partitionLeaderEpoch in place (neither is covered by the CRC); returns the largest maxTimestamp.
 */
function patchBatches(buf: Buffer, firstOffset: number, leaderEpoch: number): number {
  let pos = 0;
  let offset = firstOffset;
  let maxTimestamp = -1;
  while (pos < buf.length) {
    writeInt64(buf, pos, offset);
    buf.writeInt32BE(leaderEpoch, pos + PARTITION_LEADER_EPOCH_OFFSET);
    maxTimestamp = Math.max(maxTimestamp, readInt64(buf, pos + MAX_TIMESTAMP_OFFSET));
    offset += lastOffsetDeltaAt(buf, pos) + 1;
    pos += batchSizeAt(buf, pos);
  }
  return maxTimestamp;
}
