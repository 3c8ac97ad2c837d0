/**
 * A minimal Kafka client over one socket, for tests that must send exact bytes (unsupported
 * versions, acks=0, malformed frames) and see exactly what comes back.
 */
import { connect, type Socket } from 'node:net';
import { Writer } from '../protocol/codec/writer.js';

export class RawClient {
  private buffered = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d) => {
      this.buffered = Buffer.concat([this.buffered, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static connect(bootstrap: string): Promise<RawClient> {
    const [host, port] = bootstrap.split(':');
    return new Promise((resolve, reject) => {
      const s = connect({ host, port: Number(port) }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  /** Sends header v1/v2 + body built by `body`. */
  send(apiKey: number, apiVersion: number, correlationId: number, flexibleHeader: boolean, body: (w: Writer) => void): void {
    const w = new Writer();
    w.writeInt16(apiKey);
    w.writeInt16(apiVersion);
    w.writeInt32(correlationId);
    w.writeString('raw-client', false);
    if (flexibleHeader) w.writeUVarint(0);
    body(w);
    this.sendFrame(w.toBuffer());
  }

  sendFrame(frame: Buffer): void {
    const size = Buffer.alloc(4);
    size.writeInt32BE(frame.length);
    this.socket.write(Buffer.concat([size, frame]));
  }

  sendBytes(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next response frame (without its size prefix), or null if the connection closes first or `timeoutMs` passes. */
  async receive(timeoutMs = 2000): Promise<Buffer | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.buffered.length >= 4) {
        const size = this.buffered.readInt32BE(0);
        if (this.buffered.length >= 4 + size) {
          const frame = this.buffered.subarray(4, 4 + size);
          this.buffered = this.buffered.subarray(4 + size);
          return frame;
        }
      }
      if (this.closed || Date.now() >= deadline) return null;
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }
}
