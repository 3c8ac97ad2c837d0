/**
 * A minimal Kafka client over one socket, for tests that must send exact bytes (unsupported
 * versions, acks=0, malformed frames) and see exactly what comes back: the shared client's framing
 * (src/client/frame-stream.ts) plus a header writer that takes the version and flexibility as given.
 */
import { FrameStream } from '../client/frame-stream.js';
import { encodeRequestFrame } from '../client/request-header.js';
import { systemClock } from '../io/clock.js';
import type { Writer } from '../protocol/codec/writer.js';

export class RawClient extends FrameStream {
  static async connect(bootstrap: string): Promise<RawClient> {
    const [host = '', port] = bootstrap.split(':');
    return new RawClient(await FrameStream.open(host, Number(port), 10_000), systemClock);
  }

  /** Sends header v1/v2 + body built by `body`. */
  send(apiKey: number, apiVersion: number, correlationId: number, flexibleHeader: boolean, body: (w: Writer) => void): void {
    this.sendFrame(encodeRequestFrame(apiKey, apiVersion, correlationId, 'raw-client', flexibleHeader, body));
  }
}
