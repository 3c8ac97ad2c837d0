/**
 * The way to the active controller (Kafka's NodeToControllerChannelManager): a request a broker
 * sends to the metadata quorum's leader (BrokerRegistration, BrokerHeartbeat, AlterPartition,
 * CreateTopics for internal topics, AllocateProducerIds) goes to the node the quorum names as its
 * leader now, at its controller listener (controller.quorum.voters), and is retried there until it
 * is answered by the active controller or the deadline passes:
 * - no leader known yet (an election is under way): wait retry.backoff.ms and ask again;
 * - the answer says NOT_CONTROLLER (the leader moved since): wait and send to the new leader;
 * - the connection fails or the exchange times out: drop the connection, wait, try again;
 * - the deadline (request.timeout.ms, 30 s) passes: reject, naming the last reason.
 * A version neither side speaks is no transient failure: it rejects at once.
 *
 * One connection per voter, opened lazily; a connection runs one exchange at a time, so a caller
 * whose requests must not wait behind another's (heartbeats behind a slow CreateTopics) uses its
 * own channel. Timers go through the io/ clock.
 */
import { KafkaConnection, formatHostPort, type ApiCall, type HostPort } from '../client/connection.js';
import type { Clock, Timer } from '../io/clock.js';
import { apiName } from '../protocol/generated/api-keys.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';

export interface ControllerChannelOptions {
  /** This node's id (the client id names it). */
  readonly nodeId: number;
  /** A controller's listener: controller.quorum.voters, or the address the quorum's answers named. */
  readonly addressOf: (nodeId: number) => HostPort | undefined;
  /** The quorum's leader as this node knows it now; -1 when none is known. */
  readonly leaderId: () => number;
  readonly clock: Clock;
  /** retry.backoff.ms (100). */
  readonly retryBackoffMs?: number;
  /** request.timeout.ms (30 000): how long one send keeps trying. */
  readonly requestTimeoutMs?: number;
  /**
   * Bound on one connect and one exchange (controller.quorum.request.timeout.ms): a controller that
   * stops answering (paused, cut off) is given up on this soon and the send goes to the leader the
   * quorum knows then. Default: the whole request timeout.
   */
  readonly attemptTimeoutMs?: number;
  /** Names the channel in the client id (`<purpose>-channel-<nodeId>`); default `controller`. */
  readonly purpose?: string;
}

export interface SendOptions<T> {
  /** Whether the answer says the node is not the active controller (default: a top-level errorCode NOT_CONTROLLER). */
  readonly notController?: (response: T) => boolean;
  /** Overrides the channel's request timeout for this send. */
  readonly timeoutMs?: number;
}

/** The deadline passed with no answer from the active controller. */
export class ControllerUnreachableError extends Error {
  override name = 'ControllerUnreachableError';
}

const DEFAULT_BACKOFF_MS = 100;
const DEFAULT_TIMEOUT_MS = 30_000;

/** Reads a top-level `errorCode` field, as every controller API's response has. */
export function answersNotController(response: unknown): boolean {
  return typeof response === 'object' && response !== null && (response as { errorCode?: unknown }).errorCode === ErrorCode.NOT_CONTROLLER;
}

export class ControllerChannel {
  private readonly links = new Map<number, Promise<KafkaConnection>>();
  private readonly sleeping = new Set<{ timer: Timer; wake: () => void }>();
  private closed = false;

  constructor(private readonly opts: ControllerChannelOptions) {}

  /** Sends `call` to the active controller; resolves with its answer (which may carry other errors). */
  async send<T>(call: ApiCall<T>, options: SendOptions<T> = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.opts.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    const notController = options.notController ?? answersNotController;
    const deadline = this.opts.clock.nowMs() + timeoutMs;
    let reason = 'no attempt made';
    for (;;) {
      if (this.closed) throw new ControllerUnreachableError(`${apiName(call.key)}: the controller channel is closed`);
      const attempt = await this.attempt(call, deadline);
      if (attempt.kind === 'answer') {
        if (!notController(attempt.response)) return attempt.response;
        reason = `node ${attempt.leaderId} answered NOT_CONTROLLER`;
      } else {
        reason = attempt.reason;
      }
      const left = deadline - this.opts.clock.nowMs();
      if (left <= 0) throw new ControllerUnreachableError(`${apiName(call.key)}: no answer from the active controller within ${timeoutMs} ms (last: ${reason})`);
      await this.sleep(Math.min(this.opts.retryBackoffMs ?? DEFAULT_BACKOFF_MS, left));
    }
  }

  /** Closes every connection; sends in progress reject at their next step. */
  close(): void {
    this.closed = true;
    for (const link of this.links.values()) link.then((c) => c.close(), () => undefined);
    this.links.clear();
    for (const s of this.sleeping) {
      s.timer.cancel();
      s.wake();
    }
    this.sleeping.clear();
  }

  private async attempt<T>(call: ApiCall<T>, deadline: number): Promise<{ kind: 'answer'; response: T; leaderId: number } | { kind: 'retry'; reason: string }> {
    const leaderId = this.opts.leaderId();
    if (leaderId < 0) return { kind: 'retry', reason: 'no controller is known yet' };
    const address = this.opts.addressOf(leaderId);
    if (address === undefined) return { kind: 'retry', reason: `the address of the quorum's leader ${leaderId} is not known` };
    const bound = (): number => Math.max(1, Math.min(deadline - this.opts.clock.nowMs(), this.opts.attemptTimeoutMs ?? Number.POSITIVE_INFINITY));
    const link = this.link(leaderId, address, bound());
    let connection: KafkaConnection;
    try {
      connection = await link;
    } catch (e) {
      this.forget(leaderId, link);
      return { kind: 'retry', reason: e instanceof Error ? e.message : String(e) };
    }
    // Not transient: neither side will learn a version the other speaks by waiting.
    const version = connection.pick(call.key, call.ours);
    try {
      const response = await connection.send(call, version, bound());
      return { kind: 'answer', response, leaderId };
    } catch (e) {
      connection.close();
      this.forget(leaderId, link);
      return { kind: 'retry', reason: e instanceof Error ? e.message : String(e) };
    }
  }

  private link(nodeId: number, address: HostPort, timeoutMs: number): Promise<KafkaConnection> {
    const existing = this.links.get(nodeId);
    if (existing !== undefined) return existing;
    const opening = KafkaConnection.connect(formatHostPort(address.host, address.port), {
      timeoutMs,
      clientId: `${this.opts.purpose ?? 'controller'}-channel-${this.opts.nodeId}`,
      clock: this.opts.clock,
    });
    this.links.set(nodeId, opening);
    opening.then((c) => this.closed && c.close(), () => undefined);
    return opening;
  }

  private forget(nodeId: number, link: Promise<KafkaConnection>): void {
    if (this.links.get(nodeId) === link) this.links.delete(nodeId);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const s = { timer: this.opts.clock.setTimer(ms, () => { this.sleeping.delete(s); resolve(); }), wake: resolve };
      this.sleeping.add(s);
    });
  }
}
