/**
 * Forwards a client's controller request (CreateTopics, DeleteTopics, CreatePartitions,
 * AlterConfigs, IncrementalAlterConfigs) from a broker that is not the active controller to the
 * one that is, as Kafka's ForwardingManager does (Kafka wraps it in an Envelope; here the request
 * frame itself goes to the controller's listener, so the controller answers it exactly as if the
 * client had asked it). The client sees the controller's answer, with its own correlation id.
 *
 * One request at a time per controller connection (controller requests are rare and each waits
 * for a metadata commit anyway). A connection that fails is dropped and opened again next time.
 */
import { FrameStream } from '../client/frame-stream.js';
import { formatHostPort, openFrames, type HostPort } from '../client/connection.js';
import type { Clock } from '../io/clock.js';

export interface RequestForwarderOptions {
  /** A controller's listener: controller.quorum.voters, or the address the quorum's answers named. */
  readonly addressOf: (nodeId: number) => HostPort | undefined;
  /** The active controller the quorum knows, -1 when none is; and whether it is this node. */
  readonly controller: () => { active: boolean; leaderId: number };
  /** How long to keep looking for the controller's answer. */
  readonly timeoutMs: number;
  /** Bound on one connect and one exchange (controller.quorum.request.timeout.ms); default timeoutMs. */
  readonly attemptTimeoutMs?: number;
  readonly clock: Clock;
  /** Pause between tries while the controller is unreachable or unknown (retry.backoff.ms). */
  readonly retryBackoffMs?: number;
}

const DEFAULT_RETRY_BACKOFF_MS = 100;

/** Where a request header's correlation id sits in a request frame (after api key and version). */
const REQUEST_CORRELATION_OFFSET = 4;

export class RequestForwarder {
  private readonly links = new Map<number, FrameStream>();
  private queue: Promise<unknown> = Promise.resolve();
  private nextCorrelationId = 1;
  private closed = false;

  constructor(private readonly o: RequestForwarderOptions) {}

  /** True when another node is the active controller: the request goes there. */
  shouldForward(): boolean {
    const c = this.o.controller();
    return !c.active && c.leaderId >= 0 && this.o.addressOf(c.leaderId) !== undefined;
  }

  /**
   * Sends the request frame (header and body, without the size prefix) to the active controller
   * and resolves with its response frame (size prefix included), correlation id set back to the
   * client's; null when the controller could not be reached (the caller answers locally).
   */
  forward(frame: Buffer): Promise<Buffer | null> {
    const run = this.queue.then(() => this.exchangeRetrying(frame));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Kafka's forwarding retries until the request times out: a controller that just died is
   * replaced by an election within moments, and the request goes to the new one. Null once the
   * time is up, when this node became the controller, or when closed.
   */
  private async exchangeRetrying(frame: Buffer): Promise<Buffer | null> {
    const clock = this.o.clock;
    const deadline = clock.nowMs() + this.o.timeoutMs;
    for (;;) {
      const answer = await this.exchange(frame);
      if (answer !== null || this.closed || this.o.controller().active || clock.nowMs() >= deadline) return answer;
      await new Promise<void>((resolve) => clock.setTimer(this.o.retryBackoffMs ?? DEFAULT_RETRY_BACKOFF_MS, resolve));
    }
  }

  close(): void {
    this.closed = true;
    for (const l of this.links.values()) l.close();
    this.links.clear();
  }

  private async exchange(frame: Buffer): Promise<Buffer | null> {
    const leaderId = this.o.controller().leaderId;
    if (this.closed || leaderId < 0) return null;
    const clientCorrelationId = frame.readInt32BE(REQUEST_CORRELATION_OFFSET);
    const ours = this.nextCorrelationId++ & 0x7fffffff;
    const copy = Buffer.from(frame);
    copy.writeInt32BE(ours, REQUEST_CORRELATION_OFFSET);
    let stream: FrameStream;
    try {
      stream = await this.link(leaderId);
    } catch {
      return null;
    }
    stream.sendFrame(copy);
    const response = await stream.receive(this.o.attemptTimeoutMs ?? this.o.timeoutMs);
    if (response === null || response.length < 4 || response.readInt32BE(0) !== ours) {
      // No answer in time, or an answer out of step: this connection cannot be trusted again.
      stream.close();
      this.links.delete(leaderId);
      return null;
    }
    const out = Buffer.allocUnsafe(4 + response.length);
    out.writeInt32BE(response.length, 0);
    response.copy(out, 4);
    out.writeInt32BE(clientCorrelationId, 4);
    return out;
  }

  private async link(id: number): Promise<FrameStream> {
    const open = this.links.get(id);
    if (open !== undefined && !open.closed) return open;
    const address = this.o.addressOf(id);
    if (address === undefined) throw new Error(`the address of controller ${id} is not known`);
    const stream = await openFrames(formatHostPort(address.host, address.port), { timeoutMs: this.o.attemptTimeoutMs ?? this.o.timeoutMs });
    this.links.set(id, stream);
    return stream;
  }
}
