/**
 * Amortised growth for the in-memory index buffers: doubling, capped at the index's maximum size,
 * so appends are O(1) amortised and memory never exceeds segment.index.bytes per index.
 */
export function growBuffer(buf: Buffer, needed: number, max: number): Buffer {
  if (needed <= buf.length) return buf;
  if (needed > max) throw new RangeError(`index buffer would grow past ${max} bytes`);
  const next = Buffer.allocUnsafe(Math.min(max, Math.max(needed, buf.length * 2)));
  buf.copy(next, 0, 0, buf.length);
  return next;
}
