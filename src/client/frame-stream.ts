/**
 * Kafka's framing on the client side: one TCP stream, frames out (a 4-byte size, then the bytes) and
 * whole response frames in, in the order they arrive. Everything that talks Kafka from outside the
 * broker sits on this: the CLI and compat's connection (connection.ts) and the tests' raw client
 * (src/testing/raw-client.ts), which sends exact, even malformed, bytes.
 *
 * Invariants: receive() never waits past its timeout (a dead peer is null, not a hang); bytes after a
 * complete frame stay buffered for the next receive().
 */
import { systemClock, type Clock } from '../io/clock.js';
import { connectTcp, type ClientStream } from '../io/tcp.js';

export class FrameStream {
  private buffered: Buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  /** Set once the connection is gone; `closeReason` says why when the socket reported an error. */
  closed = false;
  closeReason: string | undefined;

  protected constructor(private readonly stream: ClientStream, protected readonly clock: Clock) {
    stream.onData((d) => {
      this.buffered = this.buffered.length === 0 ? d : Buffer.concat([this.buffered, d]);
      this.wake();
    });
    stream.onError((e) => {
      this.closeReason ??= e.message;
    });
    stream.onClose(() => {
      this.closed = true;
      this.wake();
    });
  }

  /** Opens the TCP connection (bounded by timeoutMs); rejects with why it could not. */
  protected static async open(host: string, port: number, timeoutMs: number): Promise<ClientStream> {
    return connectTcp(host, port, timeoutMs);
  }

  static async connectTo(host: string, port: number, timeoutMs = 5_000, clock: Clock = systemClock): Promise<FrameStream> {
    return new FrameStream(await FrameStream.open(host, port, timeoutMs), clock);
  }

  /** Sends one frame: its size, then `frame`. */
  sendFrame(frame: Buffer): void {
    const size = Buffer.alloc(4);
    size.writeInt32BE(frame.length);
    this.stream.write([size, frame]);
  }

  /** Sends bytes as they are (a test's malformed or split frame). */
  sendBytes(bytes: Buffer): void {
    this.stream.write([bytes]);
  }

  /** The next response frame (without its size prefix), or null if the connection closes first or `timeoutMs` passes. */
  async receive(timeoutMs = 2000): Promise<Buffer | null> {
    const deadline = this.clock.nowMs() + timeoutMs;
    for (;;) {
      if (this.buffered.length >= 4) {
        const size = this.buffered.readInt32BE(0);
        if (this.buffered.length >= 4 + size) {
          const frame = this.buffered.subarray(4, 4 + size);
          this.buffered = this.buffered.subarray(4 + size);
          return frame;
        }
      }
      const left = deadline - this.clock.nowMs();
      if (this.closed || left <= 0) return null;
      await new Promise<void>((res) => {
        const t = this.clock.setTimer(Math.max(1, left), res);
        this.waiters.push(() => {
          t.cancel();
          res();
        });
      });
    }
  }

  close(): void {
    this.stream.destroy();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }
}
