/**
 * Splits a TCP byte stream into Kafka frames (int32 size, then that many bytes).
 *
 * Invariant: a frame is handed out only when complete; a size prefix that is negative or above the
 * limit (socket.request.max.bytes) is a protocol violation reported once, after which the decoder
 * refuses further input (Kafka closes such a connection: InvalidReceiveException).
 */
import type { FramePool } from './frame-pool.js';

/** `pooled`: the frame's buffer came from the FramePool (see Connection for when it goes back). */
export type FrameResult = { kind: 'frame'; frame: Buffer; pooled: boolean } | { kind: 'invalid'; reason: string };

export class FrameDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private failed = false;
  /** A large frame being filled chunk by chunk into a pooled buffer. */
  private large: { frame: Buffer; filled: number } | null = null;

  constructor(
    private readonly maxFrameBytes: number,
    private readonly pool: FramePool | null = null,
  ) {}

  /** Feeds bytes and returns every frame now complete (views into received chunks where possible). */
  push(chunk: Buffer): FrameResult[] {
    if (this.failed) return [];
    const out: FrameResult[] = [];
    const rest = this.fillLarge(chunk, out);
    if (rest.length === 0) return out;
    this.pending.push(rest);
    this.pendingBytes += rest.length;
    while (this.pendingBytes >= 4) {
      const head = this.peek(4);
      const size = head.readInt32BE(0);
      if (size < 0 || size > this.maxFrameBytes) {
        this.failed = true;
        out.push({ kind: 'invalid', reason: `frame size ${size} outside [0, ${this.maxFrameBytes}] (socket.request.max.bytes)` });
        return out;
      }
      if (this.pendingBytes < 4 + size) {
        if (this.pool !== null && size >= this.pool.minFrameBytes) this.startLarge(size, out);
        break;
      }
      const frame = this.take(4 + size).subarray(4);
      out.push({ kind: 'frame', frame, pooled: false });
    }
    return out;
  }

  /** Moves what is buffered of a large incomplete frame into a pooled buffer of its full size. */
  private startLarge(size: number, out: FrameResult[]): void {
    const pending = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.large = { frame: (this.pool as FramePool).take(size), filled: 0 };
    let skip = 4; // the size prefix
    for (const c of pending) {
      const from = Math.min(skip, c.length);
      skip -= from;
      if (from < c.length) this.fillLarge(c.subarray(from), out);
    }
  }

  /** Copies into the large frame in progress; returns the bytes of `chunk` beyond it. */
  private fillLarge(chunk: Buffer, out: FrameResult[]): Buffer {
    const large = this.large;
    if (large === null) return chunk;
    const n = Math.min(chunk.length, large.frame.length - large.filled);
    chunk.copy(large.frame, large.filled, 0, n);
    large.filled += n;
    if (large.filled === large.frame.length) {
      out.push({ kind: 'frame', frame: large.frame, pooled: true });
      this.large = null;
    }
    return chunk.subarray(n);
  }

  /** Bytes received but not yet part of a complete frame. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  private peek(n: number): Buffer {
    const first = this.pending[0] as Buffer;
    if (first.length >= n) return first;
    this.coalesce();
    return this.pending[0] as Buffer;
  }

  private take(n: number): Buffer {
    let first = this.pending[0] as Buffer;
    if (first.length < n) {
      this.coalesce();
      first = this.pending[0] as Buffer;
    }
    const out = first.subarray(0, n);
    if (first.length === n) this.pending.shift();
    else this.pending[0] = first.subarray(n);
    this.pendingBytes -= n;
    return out;
  }

  private coalesce(): void {
    this.pending = [Buffer.concat(this.pending, this.pendingBytes)];
  }
}
