/**
 * Big-endian int64 fields (offsets, timestamps) as JS numbers without a BigInt per call: the hot path
 * patches one baseOffset per batch, and BigInt allocation there is measurable.
 *
 * Invariant: values are safe integers (|v| < 2^53); writing anything else throws.
 */
const TWO_32 = 0x1_0000_0000;

export function writeInt64(buf: Buffer, pos: number, value: number): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`int64 value ${value} is not a safe integer`);
  const hi = Math.floor(value / TWO_32);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(value - hi * TWO_32, pos + 4);
}

export function readInt64(buf: Buffer, pos: number): number {
  const v = buf.readInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4);
  if (!Number.isSafeInteger(v)) throw new RangeError(`int64 at ${pos} is outside the safe integer range`);
  return v;
}
