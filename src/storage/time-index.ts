/**
 * A segment's sparse time index, Kafka's `.timeindex` format: 12-byte big-endian entries of
 * (int64 timestamp, int32 offset relative to the segment base). An entry (T, O) says: the largest
 * batch maxTimestamp up to and including offset O is T. Entries are added at the offset index's
 * cadence, only when T grew, plus one final entry when the segment stops being active, so the last
 * entry is always the segment's largest timestamp once it is sealed.
 *
 * Invariants: timestamps strictly increase, relative offsets never decrease; at most `maxEntries`,
 * the last of which only the sealing entry may take.
 */
import { EntryIndex } from './entry-index.js';
import { readInt64, writeInt64 } from './int64.js';

export const TIME_INDEX_ENTRY_SIZE = 12;

export class TimeIndex extends EntryIndex {
  constructor(baseOffset: number, maxEntries: number) {
    super(baseOffset, maxEntries, TIME_INDEX_ENTRY_SIZE);
  }

  /** As Kafka's TimeIndex: one slot stays free for the entry written when the segment is sealed. */
  get isFull(): boolean {
    return this.count >= this.maxEntries - 1;
  }

  timestampAt(slot: number): number {
    return readInt64(this.buf, slot * TIME_INDEX_ENTRY_SIZE);
  }

  offsetAt(slot: number): number {
    return this.baseOffset + this.buf.readInt32BE(slot * TIME_INDEX_ENTRY_SIZE + 8);
  }

  /** The last entry, which after sealing is the segment's max timestamp and its batch's last offset. */
  lastEntry(): { timestamp: number; offset: number } | null {
    if (this.count === 0) return null;
    return { timestamp: this.timestampAt(this.count - 1), offset: this.offsetAt(this.count - 1) };
  }

  /**
   * Appends (timestamp, offset) if timestamp exceeds the last entry's. `force` ignores fullness: the
   * final entry written when a segment is sealed may use the slot kept free for it.
   */
  maybeAppend(timestamp: number, offset: number, force = false): void {
    if (timestamp < 0) return;
    if (this.count > 0 && timestamp <= this.timestampAt(this.count - 1)) return;
    if (this.count >= this.maxEntries - (force ? 0 : 1)) throw new Error(`time index for ${this.baseOffset} is full`);
    const rel = offset - this.baseOffset;
    if (rel < 0 || rel > 0x7fffffff) throw new RangeError(`offset ${offset} out of range for segment ${this.baseOffset}`);
    if (this.count > 0 && offset < this.offsetAt(this.count - 1)) throw new Error('time index offsets must not decrease');
    const at = this.nextEntryAt();
    writeInt64(this.buf, at, timestamp);
    this.buf.writeInt32BE(rel, at + 8);
    this.added();
  }

  /** Offset of the last entry whose timestamp is strictly below `timestamp`, else the base offset. */
  offsetBefore(timestamp: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timestampAt(mid) < timestamp) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? this.baseOffset : this.offsetAt(found);
  }

  /** Loads a `.timeindex` file; an error string means "rebuild, don't trust". */
  load(file: Buffer, lastOffsetInLog: number): string | null {
    if (file.length % TIME_INDEX_ENTRY_SIZE !== 0) return `time index size ${file.length} is not a multiple of 12`;
    const n = file.length / TIME_INDEX_ENTRY_SIZE;
    if (n > this.maxEntries) return `time index has ${n} entries, more than allowed`;
    let prevTs = -1;
    let prevRel = -1;
    for (let i = 0; i < n; i++) {
      const at = i * TIME_INDEX_ENTRY_SIZE;
      const hi = file.readInt32BE(at);
      if (hi < 0 || hi >= 0x200000) return `time index entry ${i} has an out-of-range timestamp`;
      const ts = readInt64(file, at);
      const rel = file.readInt32BE(at + 8);
      if (ts <= prevTs || rel < prevRel || rel < 0) return `time index entry ${i} is not monotonic`;
      if (this.baseOffset + rel > lastOffsetInLog) return `time index entry ${i} points past the log`;
      prevTs = ts;
      prevRel = rel;
    }
    this.adopt(file);
    return null;
  }
}
