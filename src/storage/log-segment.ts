/**
 * One segment: a `.log` file of whole RecordBatch v2 bytes starting at `baseOffset`, with its
 * in-memory offset and time indexes (persisted to `.index`/`.timeindex` when the segment is sealed,
 * closed or rebuilt) and the fetch/timestamp reads over it.
 *
 * Invariants:
 * - committedBytes <= reservedBytes; bytes below committedBytes are written, in order, and are the
 *   only bytes any read returns (so readers never see a half-written batch);
 * - index entries only point at committed batches (they are added when a write completes);
 * - the index files are exact images of the in-memory indexes after seal()/close()/rebuild, and are
 *   not trusted otherwise (the active segment is always rebuilt after an unclean shutdown).
 */
import {
  BASE_OFFSET_OFFSET,
  LOG_OVERHEAD,
  MAX_TIMESTAMP_OFFSET,
  RECORD_BATCH_OVERHEAD,
  batchSizeAt,
  lastOffsetDeltaAt,
} from '../protocol/records/batch-header.js';
import type { FileHandle, FileSystem } from '../io/file-system.js';
import { segmentPaths } from './file-names.js';
import { readInt64 } from './int64.js';
import type { LogConfig } from './log-config.js';
import { OFFSET_INDEX_ENTRY_SIZE, OffsetIndex } from './offset-index.js';
import { scanBatches } from './segment-scanner.js';
import { TIME_INDEX_ENTRY_SIZE, TimeIndex } from './time-index.js';

const INT32_MAX = 0x7fffffff;

export class LogSegment {
  readonly paths: { log: string; index: string; timeIndex: string };
  readonly offsetIndex: OffsetIndex;
  readonly timeIndex: TimeIndex;
  private logFile: FileHandle | null = null;
  /** Bytes handed out to appends (written or in flight). */
  reservedBytes = 0;
  /** Bytes written, in order; reads stop here. */
  committedBytes = 0;
  private bytesSinceLastIndexEntry = 0;
  maxTimestampSoFar = -1;
  offsetOfMaxTimestampSoFar = -1;
  /** Last offset of the last committed batch (baseOffset - 1 when none is known). */
  lastOffset: number;
  /** maxTimestamp of the first batch: Kafka's base for segment.ms rolls. */
  firstBatchMaxTimestamp: number | null = null;
  /** Written since the last datasync. */
  dirty = false;
  /** Reads using the file right now: a segment removed from the log is closed only once they finish. */
  private pins = 0;
  private unpinned: (() => void) | null = null;
  /** Set once the segment left the log (retention, DeleteRecords, compaction): reads skip it. */
  retired = false;

  constructor(
    private readonly fs: FileSystem,
    dir: string,
    readonly baseOffset: number,
    /** Replaced by PartitionLog.updateConfig; the index capacities keep their construction-time size. */
    public config: LogConfig,
    readonly createdMs: number,
  ) {
    if (!Number.isSafeInteger(baseOffset) || baseOffset < 0) throw new RangeError(`bad segment base offset ${baseOffset}`);
    this.paths = segmentPaths(dir, baseOffset);
    this.offsetIndex = new OffsetIndex(baseOffset, Math.floor(config.maxIndexBytes / OFFSET_INDEX_ENTRY_SIZE));
    this.timeIndex = new TimeIndex(baseOffset, Math.floor(config.maxIndexBytes / TIME_INDEX_ENTRY_SIZE));
    this.lastOffset = baseOffset - 1;
  }

  get isOpen(): boolean {
    return this.logFile !== null;
  }

  /** Opens (or creates) the `.log` file; returns its current size. */
  async openLog(create: boolean): Promise<number> {
    if (this.logFile === null) this.logFile = await this.fs.open(this.paths.log, { create });
    return this.logFile.size();
  }

  private file(): FileHandle {
    if (this.logFile === null) throw new Error(`segment ${this.paths.log} is not open`);
    return this.logFile;
  }

  /** Reserves `bytes` at the end of the segment for an append; returns the position. */
  reserve(bytes: number): number {
    const position = this.reservedBytes;
    if (position + bytes > INT32_MAX) throw new RangeError(`segment ${this.baseOffset} would exceed int32 positions`);
    this.reservedBytes += bytes;
    return position;
  }

  /** Would appending (lastOffset, bytes) here break Kafka's roll rules? */
  shouldRoll(bytes: number, lastOffset: number, maxTimestamp: number, nowMs: number): boolean {
    if (this.reservedBytes === 0) return false;
    if (this.reservedBytes + bytes > this.config.segmentBytes) return true;
    if (lastOffset - this.baseOffset > INT32_MAX) return true;
    if (this.offsetIndex.isFull || this.timeIndex.isFull) return true;
    return this.timeWaitedForRoll(nowMs, maxTimestamp) > this.config.segmentMs;
  }

  /** As Kafka: measured by record timestamps when the first batch has one, else by wall time. */
  private timeWaitedForRoll(nowMs: number, incomingMaxTimestamp: number): number {
    const first = this.firstBatchMaxTimestamp;
    if (first !== null && first >= 0) return incomingMaxTimestamp - first;
    return nowMs - this.createdMs;
  }

  async write(buffers: readonly Buffer[], position: number): Promise<void> {
    await this.file().writev(buffers, position);
  }

  /** Records that `buf` (whole batches) is now on disk at `position`; indexes it. */
  onWritten(buf: Buffer, position: number): void {
    if (position !== this.committedBytes) throw new Error(`segment ${this.baseOffset}: write at ${position} is not at committed end ${this.committedBytes}`);
    let at = 0;
    while (at < buf.length) {
      const size = batchSizeAt(buf, at);
      this.indexBatch(buf, at, position + at, size);
      at += size;
    }
    this.committedBytes += buf.length;
    this.dirty = true;
  }

  /** Kafka's LogSegment.append bookkeeping for one batch: max timestamp and the sparse indexes. */
  indexBatch(buf: Buffer, at: number, position: number, size: number): void {
    const lastOffset = readInt64(buf, at + BASE_OFFSET_OFFSET) + lastOffsetDeltaAt(buf, at);
    const maxTimestamp = readInt64(buf, at + MAX_TIMESTAMP_OFFSET);
    if (this.firstBatchMaxTimestamp === null) this.firstBatchMaxTimestamp = maxTimestamp;
    if (maxTimestamp > this.maxTimestampSoFar) {
      this.maxTimestampSoFar = maxTimestamp;
      this.offsetOfMaxTimestampSoFar = lastOffset;
    }
    // A full index only makes lookups coarser; the roll check keeps this rare.
    if (this.bytesSinceLastIndexEntry > this.config.indexIntervalBytes && !this.offsetIndex.isFull) {
      this.offsetIndex.append(lastOffset, position);
      if (!this.timeIndex.isFull) this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += size;
    this.lastOffset = lastOffset;
  }

  /** Forgets everything indexed (before a rebuild from the log bytes). */
  resetIndexing(): void {
    this.offsetIndex.clear();
    this.timeIndex.clear();
    this.bytesSinceLastIndexEntry = 0;
    this.maxTimestampSoFar = -1;
    this.offsetOfMaxTimestampSoFar = -1;
    this.firstBatchMaxTimestamp = null;
    this.lastOffset = this.baseOffset - 1;
  }

  /** Sets the size of a segment loaded from disk (nothing is in flight during loading). */
  setLoadedSize(size: number): void {
    this.reservedBytes = size;
    this.committedBytes = size;
  }

  /** Sets the in-memory view after loading trusted indexes from disk. */
  adoptLoadedState(size: number): void {
    this.setLoadedSize(size);
    const last = this.timeIndex.lastEntry();
    if (last !== null) {
      this.maxTimestampSoFar = last.timestamp;
      this.offsetOfMaxTimestampSoFar = last.offset;
    }
  }

  async truncateLog(size: number): Promise<void> {
    await this.file().truncate(size);
    this.reservedBytes = size;
    this.committedBytes = size;
  }

  /** fdatasync the log if anything was written since the last one. */
  async flushLog(): Promise<void> {
    if (!this.dirty || this.logFile === null) return;
    // Cleared before the sync so a write completing during it marks the segment dirty again.
    this.dirty = false;
    await this.logFile.datasync();
  }

  /** The segment stops being active (roll or close): final time index entry, indexes to disk. */
  async seal(): Promise<void> {
    if (this.maxTimestampSoFar >= 0) this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar, true);
    await this.writeIndexes();
  }

  /** Writes the not-yet-persisted index tails, trims the files to size and fsyncs them. */
  async writeIndexes(): Promise<void> {
    await writeIndexFile(this.fs, this.paths.index, this.offsetIndex, OFFSET_INDEX_ENTRY_SIZE);
    await writeIndexFile(this.fs, this.paths.timeIndex, this.timeIndex, TIME_INDEX_ENTRY_SIZE);
  }

  /** Marks a read in progress (must be paired with unpin()). */
  pin(): void {
    this.pins++;
  }

  unpin(): void {
    this.pins--;
    if (this.pins === 0 && this.unpinned !== null) {
      const wake = this.unpinned;
      this.unpinned = null;
      wake();
    }
  }

  /** Closes the file once no pinned read is using it (the segment has already left the log). */
  async closeWhenUnused(): Promise<void> {
    await this.whenUnused();
    await this.close();
  }

  /** Resolves once no read uses the file (every waiter is woken). */
  private whenUnused(): Promise<void> {
    if (this.pins === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const before = this.unpinned;
      this.unpinned = () => {
        before?.();
        resolve();
      };
    });
  }

  /**
   * Cuts the segment at `size` while reads may be running (a follower's truncation): reads starting
   * now stop at the new size at once; the file is cut once the reads already under way finish.
   */
  async cutAt(size: number): Promise<void> {
    this.reservedBytes = size;
    this.committedBytes = size;
    await this.whenUnused();
    await this.file().truncate(size);
  }

  async close(): Promise<void> {
    const f = this.logFile;
    this.logFile = null;
    if (f !== null) await f.close();
  }

  /**
   * Kafka's LogSegment.read: bytes from the start of the batch holding `fetchOffset`, at most
   * `maxBytes` (or that whole first batch with minOneMessage), never past `maxPosition`. null when
   * no batch here has an offset >= fetchOffset. One positional read in the common case: the window
   * is [index floor position, next index position + maxBytes), which must contain the target batch.
   */
  async read(fetchOffset: number, maxBytes: number, minOneMessage: boolean, maxPosition: number): Promise<Buffer | null> {
    if (maxPosition <= 0) return null;
    const slot = this.offsetIndex.floorSlot(fetchOffset);
    const start = slot < 0 ? 0 : this.offsetIndex.positionAt(slot);
    const next = slot + 1 < this.offsetIndex.entries ? Math.min(this.offsetIndex.positionAt(slot + 1), maxPosition) : maxPosition;
    const len = Math.min(maxPosition - start, next - start + Math.max(maxBytes, RECORD_BATCH_OVERHEAD));
    const buf = Buffer.allocUnsafe(len);
    const got = await this.file().read(buf, 0, len, start);
    if (got !== len) throw new Error(`short read in ${this.paths.log}: ${got} of ${len} at ${start}`);
    const found = findBatch(buf, fetchOffset);
    if (found === null) {
      if (start + len < maxPosition) throw new Error(`offset index of ${this.paths.log} does not bound offset ${fetchOffset}`);
      return null;
    }
    const want = minOneMessage ? Math.max(maxBytes, found.size) : maxBytes;
    const take = Math.min(want, maxPosition - (start + found.at));
    if (found.at + take <= buf.length) return buf.subarray(found.at, found.at + take);
    // Only minOneMessage with a first batch larger than maxBytes lands here.
    return this.readExact(start + found.at, take);
  }

  private async readExact(position: number, len: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(len);
    const got = await this.file().read(buf, 0, len, position);
    if (got !== len) throw new Error(`short read in ${this.paths.log}: ${got} of ${len} at ${position}`);
    return buf;
  }

  /** The first batch whose maxTimestamp >= timestampMs (a copy of its bytes), or null. */
  async findBatchByTimestamp(timestampMs: number, maxPosition: number): Promise<Buffer | null> {
    if (this.maxTimestampSoFar < timestampMs || maxPosition <= 0) return null;
    // Every batch up to the time index's floor entry has maxTimestamp < timestampMs: skip them.
    const startPosition = this.offsetIndex.lookupPosition(this.timeIndex.offsetBefore(timestampMs));
    let result: Buffer | null = null;
    await scanBatches(this.file(), startPosition, maxPosition, (b) => {
      if (readInt64(b.chunk, b.at + MAX_TIMESTAMP_OFFSET) < timestampMs) return true;
      result = Buffer.from(b.chunk.subarray(b.at, b.at + b.size));
      return false;
    });
    return result;
  }

  /** Reads the first batch's maxTimestamp (for segment.ms rolls of a segment loaded from disk). */
  async loadFirstBatchTimestamp(): Promise<void> {
    if (this.committedBytes < RECORD_BATCH_OVERHEAD || this.firstBatchMaxTimestamp !== null) return;
    const header = await this.readExact(0, RECORD_BATCH_OVERHEAD);
    this.firstBatchMaxTimestamp = readInt64(header, MAX_TIMESTAMP_OFFSET);
  }

  fileHandle(): FileHandle {
    return this.file();
  }
}

/** Position and size of the first batch in `buf` whose last offset >= offset; null if none is whole enough to tell. */
function findBatch(buf: Buffer, offset: number): { at: number; size: number } | null {
  let at = 0;
  while (at + RECORD_BATCH_OVERHEAD <= buf.length) {
    const size = batchSizeAt(buf, at);
    if (size < LOG_OVERHEAD) throw new Error(`corrupt batch length ${size} in committed log bytes`);
    if (readInt64(buf, at + BASE_OFFSET_OFFSET) + lastOffsetDeltaAt(buf, at) >= offset) return { at, size };
    at += size;
  }
  return null;
}

interface PersistableIndex {
  entries: number;
  persistedEntries: number;
  bytesFrom(entry: number): Buffer;
}

async function writeIndexFile(fs: FileSystem, path: string, index: PersistableIndex, entrySize: number): Promise<void> {
  const fh = await fs.open(path, { create: true });
  try {
    const tail = index.bytesFrom(index.persistedEntries);
    if (tail.length > 0) await fh.write(tail, index.persistedEntries * entrySize);
    // Trim stale bytes from an earlier life of the file (Kafka trims its preallocated index on close).
    await fh.truncate(index.entries * entrySize);
    await fh.datasync();
    index.persistedEntries = index.entries;
  } finally {
    await fh.close();
  }
}
