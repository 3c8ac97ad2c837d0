/**
 * Writer: encodes Kafka's primitive wire types into a growable buffer.
 *
 * Large byte arrays (record batches in Fetch responses) are not copied: `writeBytes` above
 * ZERO_COPY_MIN_BYTES closes the current chunk and keeps a reference to the caller's buffer, so a
 * response is a list of chunks handed to the socket as they are. Invariant: `length` is always the
 * sum of the chunk lengths plus the bytes used in the current buffer.
 */
import { uuidToBytes } from './uuid.js';

const ZERO_COPY_MIN_BYTES = 1024;

export class Writer {
  private buf: Buffer;
  private pos = 0;
  private readonly chunks: Buffer[] = [];
  private chunkedBytes = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  get length(): number {
    return this.chunkedBytes + this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  writeInt8(v: number): void {
    this.ensure(1);
    this.pos = this.buf.writeInt8(v, this.pos);
  }
  writeBool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }
  writeInt16(v: number): void {
    this.ensure(2);
    this.pos = this.buf.writeInt16BE(v, this.pos);
  }
  writeUInt16(v: number): void {
    this.ensure(2);
    this.pos = this.buf.writeUInt16BE(v, this.pos);
  }
  writeInt32(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeInt32BE(v, this.pos);
  }
  writeUInt32(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeUInt32BE(v, this.pos);
  }
  writeInt64(v: bigint): void {
    this.ensure(8);
    this.pos = this.buf.writeBigInt64BE(v, this.pos);
  }
  writeFloat64(v: number): void {
    this.ensure(8);
    this.pos = this.buf.writeDoubleBE(v, this.pos);
  }
  writeUuid(v: string): void {
    this.writeRaw(uuidToBytes(v));
  }

  writeUVarint(v: number): void {
    this.ensure(5);
    let x = v >>> 0;
    while (x >= 0x80) {
      this.buf[this.pos++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    this.buf[this.pos++] = x;
  }

  writeVarint(v: number): void {
    this.writeUVarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  writeVarlong(v: bigint): void {
    let x = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    this.ensure(10);
    while (x >= 0x80n) {
      this.buf[this.pos++] = Number(x & 0x7fn) | 0x80;
      x >>= 7n;
    }
    this.buf[this.pos++] = Number(x);
  }

  writeString(v: string | null, compact: boolean): void {
    if (v === null) {
      if (compact) this.writeUVarint(0);
      else this.writeInt16(-1);
      return;
    }
    const len = Buffer.byteLength(v, 'utf8');
    if (compact) this.writeUVarint(len + 1);
    else this.writeInt16(len);
    this.ensure(len);
    this.pos += this.buf.write(v, this.pos, len, 'utf8');
  }

  writeBytes(v: Buffer | null, compact: boolean): void {
    if (v === null) {
      if (compact) this.writeUVarint(0);
      else this.writeInt32(-1);
      return;
    }
    if (compact) this.writeUVarint(v.length + 1);
    else this.writeInt32(v.length);
    this.writeRaw(v);
  }

  writeArrayLength(n: number | null, compact: boolean): void {
    if (n === null) {
      if (compact) this.writeUVarint(0);
      else this.writeInt32(-1);
    } else if (compact) this.writeUVarint(n + 1);
    else this.writeInt32(n);
  }

  /** Appends bytes as they are; large ones by reference (see the file header). */
  writeRaw(v: Buffer): void {
    if (v.length >= ZERO_COPY_MIN_BYTES) {
      this.closeChunk();
      this.chunks.push(v);
      this.chunkedBytes += v.length;
      return;
    }
    this.ensure(v.length);
    v.copy(this.buf, this.pos);
    this.pos += v.length;
  }

  private closeChunk(): void {
    if (this.pos === 0) return;
    const chunk = this.buf.subarray(0, this.pos);
    this.chunks.push(chunk);
    this.chunkedBytes += chunk.length;
    this.buf = this.buf.subarray(this.pos);
    this.pos = 0;
    if (this.buf.length < 64) this.buf = Buffer.allocUnsafe(256);
  }

  /** The encoded bytes as chunks, in order. The Writer must not be used afterwards. */
  toChunks(): Buffer[] {
    this.closeChunk();
    return this.chunks;
  }

  /** The encoded bytes as one buffer (copies when there is more than one chunk). */
  toBuffer(): Buffer {
    const chunks = this.toChunks();
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  }
}
