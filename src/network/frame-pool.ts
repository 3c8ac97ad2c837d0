/**
 * Reusable buffers for large request frames (produce batches). A fresh 1 MB buffer per request
 * costs page faults on first touch and garbage collection afterwards; under produce load that is
 * a fifth of the broker's CPU (bench/README.md). Frames come from here and go back only when the
 * request's handler has declared it keeps nothing of the frame once it completes.
 *
 * Invariant: a buffer is handed out to one frame at a time; `give` takes back only buffers `take`
 * made (their ArrayBuffer is theirs alone), and the pool never holds more than `maxPooledBytes`.
 */
const MIN_CLASS_BYTES = 64 * 1024;

export class FramePool {
  private readonly free = new Map<number, Buffer[]>();
  private pooledBytes = 0;

  constructor(
    /** Frames smaller than this are not pooled (cheap to allocate). */
    readonly minFrameBytes: number,
    private readonly maxPooledBytes: number,
  ) {}

  /** A buffer of exactly `size` bytes, whose whole backing store is its own. */
  take(size: number): Buffer {
    const capacity = sizeClass(size);
    const reused = this.free.get(capacity)?.pop();
    if (reused !== undefined) {
      this.pooledBytes -= capacity;
      return reused.subarray(0, size);
    }
    return Buffer.allocUnsafeSlow(capacity).subarray(0, size);
  }

  /** Returns a frame `take` made; the caller must hold no view of it any more. */
  give(frame: Buffer): void {
    const capacity = frame.buffer.byteLength;
    if (frame.byteOffset !== 0 || capacity !== sizeClass(capacity) || this.pooledBytes + capacity > this.maxPooledBytes) return;
    let list = this.free.get(capacity);
    if (list === undefined) this.free.set(capacity, (list = []));
    list.push(Buffer.from(frame.buffer, 0, capacity));
    this.pooledBytes += capacity;
  }
}

/** Power-of-two capacities (at least 64 KB), so buffers fit many nearby frame sizes. */
function sizeClass(size: number): number {
  let c = MIN_CLASS_BYTES;
  while (c < size) c *= 2;
  return c;
}
