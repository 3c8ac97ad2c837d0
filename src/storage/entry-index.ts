/**
 * What Kafka's two segment indexes share: fixed-size entries kept in memory in one growable
 * buffer (so lookups are binary searches with no file reads), a count of entries already persisted
 * to the file, and the bytes a persist must write. OffsetIndex and TimeIndex add their entry
 * layout, lookups and validation.
 *
 * Invariant: `buf` holds `count` whole entries from byte 0; it never grows past `maxEntries`.
 */
import { growBuffer } from './grow-buffer.js';

export abstract class EntryIndex {
  protected buf: Buffer;
  protected count = 0;
  /** Entries already written to the file (the file may hold more, stale, bytes past them). */
  persistedEntries = 0;

  constructor(
    readonly baseOffset: number,
    readonly maxEntries: number,
    private readonly entrySize: number,
  ) {
    this.buf = Buffer.allocUnsafe(entrySize * Math.min(maxEntries, 64));
  }

  get entries(): number {
    return this.count;
  }

  /** Drops every entry (before a rebuild). */
  clear(): void {
    this.count = 0;
    this.persistedEntries = 0;
  }

  /** The bytes of entries [from, entries): what a persist must write at from * entry size. */
  bytesFrom(fromEntry: number): Buffer {
    return this.buf.subarray(fromEntry * this.entrySize, this.count * this.entrySize);
  }

  /** Makes room for one more entry; returns the byte position to write it at (then call `added`). */
  protected nextEntryAt(): number {
    this.buf = growBuffer(this.buf, (this.count + 1) * this.entrySize, this.maxEntries * this.entrySize);
    return this.count * this.entrySize;
  }

  protected added(): void {
    this.count++;
  }

  /** Adopts the validated entries of an index file, all counted as persisted. */
  protected adopt(file: Buffer): void {
    this.buf = Buffer.from(file);
    this.count = file.length / this.entrySize;
    this.persistedEntries = this.count;
  }
}
