/**
 * Record-level varints (Kafka's ByteUtils): zig-zag signed varint (int32, at most 5 bytes) and
 * varlong (int64, at most 10 bytes). These differ from the *unsigned* compact lengths of flexible
 * protocol versions, which is why records keep their own copy instead of using codec/.
 *
 * Invariant: readers never throw and never allocate. They read from a shared cursor object and
 * report failure through `cursor.ok = false` (truncated input or an over-long varint), so the
 * produce-path validator can walk uncompressed records at full speed; callers check `ok` once per
 * record. Varlongs are returned as JS numbers: exact for |value| <= 2^52 (the zig-zag form must
 * stay below 2^53), which covers every timestamp and delta a real batch carries.
 */

/** A read position inside `buf`, bounded by `end`; `ok` turns false on the first bad read. */
export interface VarintCursor {
  buf: Buffer;
  pos: number;
  end: number;
  ok: boolean;
}

export function newCursor(buf: Buffer, pos: number, end: number): VarintCursor {
  return { buf, pos, end, ok: true };
}

/** Zig-zag varint as Kafka's ByteUtils.readVarint: more than 5 bytes is an error. */
export function readVarint(c: VarintCursor): number {
  let raw = 0;
  for (let i = 0; i < 5; i++) {
    if (c.pos >= c.end) return fail(c);
    const b = c.buf[c.pos++] as number;
    raw |= (b & 0x7f) << (7 * i);
    if ((b & 0x80) === 0) return (raw >>> 1) ^ -(raw & 1);
  }
  return fail(c);
}

/** Zig-zag varlong as Kafka's ByteUtils.readVarlong: more than 10 bytes is an error. */
export function readVarlong(c: VarintCursor): number {
  // Accumulate in float arithmetic: bit operators would truncate to 32 bits.
  let raw = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (c.pos >= c.end) return fail(c);
    const b = c.buf[c.pos++] as number;
    raw += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    scale *= 128;
  }
  return fail(c);
}

function fail(c: VarintCursor): number {
  c.ok = false;
  return 0;
}

/** Bytes a zig-zag varint of `value` (int32) occupies. */
export function sizeOfVarint(value: number): number {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  let n = 1;
  while (v >= 0x80) {
    v >>>= 7;
    n++;
  }
  return n;
}

/** Bytes a zig-zag varlong of `value` occupies (|value| <= 2^52). */
export function sizeOfVarlong(value: number): number {
  let v = zigZagLong(value);
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Writes a zig-zag varint at `pos`; returns the position after it. */
export function writeVarint(buf: Buffer, pos: number, value: number): number {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

/** Writes a zig-zag varlong at `pos`; returns the position after it. */
export function writeVarlong(buf: Buffer, pos: number, value: number): number {
  let v = zigZagLong(value);
  while (v >= 128) {
    buf[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

function zigZagLong(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}
