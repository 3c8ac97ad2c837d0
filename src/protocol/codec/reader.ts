/**
 * Reader: decodes Kafka's primitive wire types from one Buffer, advancing a cursor.
 *
 * Invariant: every read checks bounds first and throws a DecodeError (never a RangeError from deep
 * inside Buffer) so the network layer can answer a malformed request without crashing. Byte-array
 * reads return views into the source buffer (no copy): the caller owns their lifetime.
 */
import { DecodeError } from './decode-error.js';
import { uuidFromBytes } from './uuid.js';

export class Reader {
  offset: number;

  constructor(
    readonly buf: Buffer,
    offset = 0,
    readonly end = buf.length,
  ) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(n: number): number {
    const at = this.offset;
    if (n < 0 || at + n > this.end) {
      throw new DecodeError(`need ${n} bytes at offset ${at}, only ${this.end - at} left`);
    }
    this.offset = at + n;
    return at;
  }

  readInt8(): number {
    return this.buf.readInt8(this.need(1));
  }
  readBool(): boolean {
    return this.buf[this.need(1)] !== 0;
  }
  readInt16(): number {
    return this.buf.readInt16BE(this.need(2));
  }
  readUInt16(): number {
    return this.buf.readUInt16BE(this.need(2));
  }
  readInt32(): number {
    return this.buf.readInt32BE(this.need(4));
  }
  readUInt32(): number {
    return this.buf.readUInt32BE(this.need(4));
  }
  readInt64(): bigint {
    return this.buf.readBigInt64BE(this.need(8));
  }
  readFloat64(): number {
    return this.buf.readDoubleBE(this.need(8));
  }
  readUuid(): string {
    const at = this.need(16);
    return uuidFromBytes(this.buf, at);
  }

  /** Unsigned LEB128 varint, at most 5 bytes (a 32-bit value), as Kafka's ByteUtils.readUnsignedVarint. */
  readUVarint(): number {
    let value = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.buf[this.need(1)] as number;
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return value >>> 0;
      shift += 7;
    }
    throw new DecodeError('varint is longer than 5 bytes');
  }

  /** Zig-zag signed varint (32-bit). */
  readVarint(): number {
    const raw = this.readUVarint();
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** Zig-zag signed varlong (64-bit), as a bigint. */
  readVarlong(): bigint {
    let raw = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.buf[this.need(1)] as number;
      raw |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return (raw >> 1n) ^ -(raw & 1n);
      shift += 7n;
    }
    throw new DecodeError('varlong is longer than 10 bytes');
  }

  /** STRING (int16 length, -1 = null) or COMPACT_STRING (uvarint length+1, 0 = null). */
  readString(compact: boolean): string | null {
    const len = compact ? this.readUVarint() - 1 : this.readInt16();
    if (len < 0) return null;
    const at = this.need(len);
    return this.buf.toString('utf8', at, at + len);
  }

  /** BYTES / RECORDS (int32 length, -1 = null) or their compact forms. Returns a view, not a copy. */
  readBytes(compact: boolean): Buffer | null {
    const len = compact ? this.readUVarint() - 1 : this.readInt32();
    if (len < 0) return null;
    const at = this.need(len);
    return this.buf.subarray(at, at + len);
  }

  /** ARRAY count (int32, -1 = null) or COMPACT_ARRAY (uvarint count+1, 0 = null). */
  readArrayLength(compact: boolean): number {
    const n = compact ? this.readUVarint() - 1 : this.readInt32();
    // Each element takes at least one byte: a count beyond what is left is malformed, and checking
    // here stops a hostile count from making us allocate a huge array.
    if (n > this.remaining) throw new DecodeError(`array count ${n} exceeds the ${this.remaining} bytes left`);
    return n;
  }

  skip(n: number): void {
    this.need(n);
  }

  /**
   * Reads a tagged-field section, calling `onTag` for each; `onTag` returns false for a tag it does
   * not know, which is then skipped (Kafka: unknown tags are ignored).
   */
  readTaggedFields(onTag?: (tag: number, size: number) => boolean): void {
    const count = this.readUVarint();
    for (let i = 0; i < count; i++) {
      const tag = this.readUVarint();
      const size = this.readUVarint();
      const start = this.offset;
      if (onTag === undefined || !onTag(tag, size)) {
        this.skip(size);
      } else if (this.offset - start !== size) {
        throw new DecodeError(`tagged field ${tag} declared ${size} bytes but used ${this.offset - start}`);
      }
    }
  }
}
