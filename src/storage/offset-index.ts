/**
 * A segment's sparse offset index, Kafka's `.index` format: 8-byte big-endian entries of
 * (int32 offset relative to the segment base, int32 file position of the batch). The offset in an
 * entry is the LAST offset of the batch that starts at that position (as Kafka's LogSegment.append).
 *
 * Held in memory as a growable Buffer in the on-disk byte order, so lookups are binary searches with
 * no file reads and persisting is one positional write of the not-yet-persisted tail.
 *
 * Invariants: relative offsets strictly increase, positions strictly increase; `persistedEntries`
 * <= `entries`; at most `maxEntries` entries.
 */
import { EntryIndex } from './entry-index.js';

export const OFFSET_INDEX_ENTRY_SIZE = 8;

export class OffsetIndex extends EntryIndex {
  constructor(baseOffset: number, maxEntries: number) {
    super(baseOffset, maxEntries, OFFSET_INDEX_ENTRY_SIZE);
  }

  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  relativeOffsetAt(slot: number): number {
    return this.buf.readInt32BE(slot * OFFSET_INDEX_ENTRY_SIZE);
  }

  positionAt(slot: number): number {
    return this.buf.readInt32BE(slot * OFFSET_INDEX_ENTRY_SIZE + 4);
  }

  append(lastOffset: number, position: number): void {
    const rel = lastOffset - this.baseOffset;
    if (this.isFull) throw new Error(`offset index for ${this.baseOffset} is full`);
    if (rel < 0 || rel > 0x7fffffff) throw new RangeError(`offset ${lastOffset} out of range for segment ${this.baseOffset}`);
    if (this.count > 0 && (rel <= this.relativeOffsetAt(this.count - 1) || position <= this.positionAt(this.count - 1))) {
      throw new Error(`offset index append (${lastOffset}, ${position}) is not monotonic`);
    }
    const at = this.nextEntryAt();
    this.buf.writeInt32BE(rel, at);
    this.buf.writeInt32BE(position, at + 4);
    this.added();
  }

  /** Slot of the largest entry whose offset <= `offset`, or -1 when there is none. */
  floorSlot(offset: number): number {
    const rel = offset - this.baseOffset;
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.relativeOffsetAt(mid) <= rel) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** File position to start scanning from for `offset` (0 when no entry precedes it). */
  lookupPosition(offset: number): number {
    const slot = this.floorSlot(offset);
    return slot < 0 ? 0 : this.positionAt(slot);
  }

  /**
   * Loads entries read from a `.index` file; returns an error string instead of throwing when the
   * file cannot be trusted (bad size, non-monotonic, past the log) so the caller rebuilds it.
   */
  load(file: Buffer, logSize: number, maxOffset = Number.MAX_SAFE_INTEGER): string | null {
    if (file.length % OFFSET_INDEX_ENTRY_SIZE !== 0) return `index size ${file.length} is not a multiple of 8`;
    const n = file.length / OFFSET_INDEX_ENTRY_SIZE;
    if (n > this.maxEntries) return `index has ${n} entries, more than the ${this.maxEntries} allowed`;
    let prevRel = -1;
    let prevPos = -1;
    for (let i = 0; i < n; i++) {
      const rel = file.readInt32BE(i * 8);
      const pos = file.readInt32BE(i * 8 + 4);
      if (rel <= prevRel || pos <= prevPos) return `index entry ${i} (${rel}, ${pos}) is not monotonic`;
      if (pos >= logSize) return `index entry ${i} points at ${pos}, past the log end ${logSize}`;
      if (this.baseOffset + rel > maxOffset) return `index entry ${i} has offset ${this.baseOffset + rel}, past the segment`;
      prevRel = rel;
      prevPos = pos;
    }
    this.adopt(file);
    return null;
  }
}
