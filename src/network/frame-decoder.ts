/**
 * Splits a TCP byte stream into Kafka frames (int32 size, then that many bytes).
 *
 * Invariant: a frame is handed out only when complete; a size prefix that is negative or above the
 * limit (socket.request.max.bytes) is a protocol violation reported once, after which the decoder
 * refuses further input (Kafka closes such a connection: InvalidReceiveException).
 */
export type FrameResult = { kind: 'frame'; frame: Buffer } | { kind: 'invalid'; reason: string };

export class FrameDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private failed = false;

  constructor(private readonly maxFrameBytes: number) {}

  /** Feeds bytes and returns every frame now complete (views into received chunks where possible). */
  push(chunk: Buffer): FrameResult[] {
    if (this.failed) return [];
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const out: FrameResult[] = [];
    while (this.pendingBytes >= 4) {
      const head = this.peek(4);
      const size = head.readInt32BE(0);
      if (size < 0 || size > this.maxFrameBytes) {
        this.failed = true;
        out.push({ kind: 'invalid', reason: `frame size ${size} outside [0, ${this.maxFrameBytes}] (socket.request.max.bytes)` });
        return out;
      }
      if (this.pendingBytes < 4 + size) break;
      const frame = this.take(4 + size).subarray(4);
      out.push({ kind: 'frame', frame });
    }
    return out;
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
