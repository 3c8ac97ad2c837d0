/**
 * The quorum's messages between voters: what the driver does with the core's `send` outputs and
 * with quorum requests arriving from other voters.
 *
 * Outbound, a request goes to the voter through the transport (Kafka's wire format, raft-wire.ts);
 * its response is handed to the core as a message from that voter. A failed or unanswered request
 * is simply not answered: the core's own request timeouts decide what happens next, as Kafka's
 * RequestManager does. Outbound, a response answers the inbound request waiting for it (same
 * voter, same correlation id).
 *
 * Inbound, a request waits for the core's answer at most `answerTimeoutMs`: the core drops what it
 * need not answer (a stale epoch's request, a non-voter's vote), and a Kafka connection answers in
 * order, so a request must never wait forever: it is answered REQUEST_TIMED_OUT then.
 */
import type { Clock, Timer } from '../io/clock.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import type { NodeId, RaftMessage, RaftRequest, RaftResponse } from '../raft/index.js';
import { endpointsOfResponse, requestFromWire, requestToWire, responseFromWire, responseToWire, type QuorumEndpoint, type WireIdentity, type WireRequest, type WireResponse } from './raft-wire.js';

/** Sends one quorum request to a voter and resolves with its response (rejects on failure). */
export interface RaftTransport {
  send(to: NodeId, request: WireRequest): Promise<WireResponse>;
  /**
   * controller.quorum.bootstrap.servers as the ids requests to them go to (Kafka's -2, -3, ...):
   * an observer asks these, instead of the voters, until an answer names the leader.
   */
  readonly bootstrapIds?: readonly NodeId[];
  /** Where a voter listens, for the leader's NodeEndpoints in Fetch answers. */
  endpointOf?(nodeId: NodeId): QuorumEndpoint | undefined;
  /** A response named where a node (the leader) listens: later requests to it go there. */
  learnEndpoint?(nodeId: NodeId, endpoint: QuorumEndpoint): void;
}

interface Waiter {
  readonly request: RaftRequest;
  readonly resolve: (r: WireResponse) => void;
  readonly timer: Timer;
}

export class RaftMessenger {
  private readonly waiting = new Map<string, Waiter>();

  constructor(
    private readonly transport: RaftTransport,
    private readonly identity: WireIdentity,
    private readonly clock: Clock,
    private readonly answerTimeoutMs: number,
    /** Hands a message from a voter to the core (a `receive` input). */
    private readonly deliver: (from: NodeId, message: RaftMessage) => void,
  ) {}

  /** An inbound quorum request: resolves with the core's answer, or REQUEST_TIMED_OUT. */
  handle(request: WireRequest, correlationId: number): Promise<WireResponse> {
    const { from, message } = requestFromWire(request, correlationId);
    const key = `${from}:${correlationId}`;
    const answered = new Promise<WireResponse>((resolve) => {
      this.waiting.get(key)?.timer.cancel();
      const timer = this.clock.setTimer(this.answerTimeoutMs, () => {
        if (this.waiting.get(key)?.timer !== timer) return;
        this.waiting.delete(key);
        void responseToWire(timedOut(message), this.identity).then(resolve);
      });
      this.waiting.set(key, { request: message, resolve, timer });
    });
    this.deliver(from, message);
    return answered;
  }

  /** The core's `send` output: a request goes out through the transport, a response answers its waiter. */
  async send(to: NodeId, message: RaftMessage): Promise<void> {
    if (message.kind.endsWith('Response')) {
      const key = `${to}:${message.correlationId}`;
      const waiter = this.waiting.get(key);
      if (waiter === undefined) return; // answered REQUEST_TIMED_OUT already
      this.waiting.delete(key);
      waiter.timer.cancel();
      waiter.resolve(await responseToWire(message as RaftResponse, this.identity));
      return;
    }
    const wire = await requestToWire(message as RaftRequest, to, this.identity);
    this.transport.send(to, wire).then(
      async (response) => {
        for (const e of endpointsOfResponse(response)) this.transport.learnEndpoint?.(e.nodeId, e.endpoint);
        this.deliver(to, await responseFromWire(response, message.correlationId));
      },
      // Unreachable voter, or an answer that is not a quorum answer (another cluster's node, an
      // error at the top level): dropped; the core's request timeout retries or moves on.
      () => undefined,
    ).catch(() => undefined);
  }

  /** Answers every waiting request REQUEST_TIMED_OUT at once (the node is stopping). */
  close(): void {
    for (const w of this.waiting.values()) {
      w.timer.cancel();
      void responseToWire(timedOut(w.request), this.identity).then(w.resolve);
    }
    this.waiting.clear();
  }
}

/** The core's silence, as an answer of the request's kind. */
function timedOut(m: RaftRequest): RaftResponse {
  const base = { correlationId: m.correlationId, errorCode: ErrorCode.REQUEST_TIMED_OUT, leaderId: -1, leaderEpoch: -1 };
  switch (m.kind) {
    case 'VoteRequest':
      return { ...base, kind: 'VoteResponse', voteGranted: false };
    case 'BeginQuorumEpochRequest':
      return { ...base, kind: 'BeginQuorumEpochResponse' };
    case 'EndQuorumEpochRequest':
      return { ...base, kind: 'EndQuorumEpochResponse' };
    case 'FetchRequest':
      return { ...base, kind: 'FetchResponse', highWatermark: -1, records: [] };
    case 'FetchSnapshotRequest':
      return { ...base, kind: 'FetchSnapshotResponse', snapshotId: m.snapshotId, size: 0, position: m.position, unalignedRecords: new Uint8Array(0) };
  }
}
