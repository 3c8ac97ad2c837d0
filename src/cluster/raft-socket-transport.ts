/**
 * The metadata quorum's outbound messages over TCP: a RaftTransport sending each quorum request
 * (Vote, BeginQuorumEpoch, EndQuorumEpoch, Fetch, FetchSnapshot) to a voter's controller listener
 * (controller.quorum.voters) at the versions voters speak (raft-wire.ts's RAFT_API_VERSIONS), with
 * client id `raft-client-<nodeId>` as Kafka's raft client names itself.
 *
 * One connection per voter, opened on the first send and again on the first send after a failure:
 * a failed connect or exchange closes it and rejects the send, and the Raft core's request
 * timeouts decide what happens next (RaftMessenger ignores the rejection). A connection runs one
 * exchange at a time, so requests to one voter queue behind each other, as Kafka's one in-flight
 * request per voter.
 *
 * An observer may know no voters but controller.quorum.bootstrap.servers (KIP-853): each address
 * gets an id (-2, -3, ... as Kafka numbers them) for the Raft core to send its discovery Fetches
 * to; where the leader listens it learns from the NodeEndpoints of a Fetch answer
 * (`learnEndpoint`). A node's address that changes drops its connection.
 *
 * Correlation ids continue across reconnects and start at a clock-derived offset, so a voter never
 * sees this node reuse an id it may still be answering (the inbound side keys waiting requests by
 * sender and correlation id), a restarted node's included.
 */
import { KafkaConnection, formatHostPort, type ApiCall, type HostPort } from '../client/connection.js';
import type { Clock } from '../io/clock.js';
import { ApiKey } from '../protocol/generated/api-keys.js';
import type { Reader } from '../protocol/codec/reader.js';
import type { Writer } from '../protocol/codec/writer.js';
import { beginQuorumEpochRequestMeta, encodeBeginQuorumEpochRequest } from '../protocol/generated/messages/begin-quorum-epoch-request.js';
import { decodeBeginQuorumEpochResponse } from '../protocol/generated/messages/begin-quorum-epoch-response.js';
import { encodeEndQuorumEpochRequest, endQuorumEpochRequestMeta } from '../protocol/generated/messages/end-quorum-epoch-request.js';
import { decodeEndQuorumEpochResponse } from '../protocol/generated/messages/end-quorum-epoch-response.js';
import { encodeFetchRequest, fetchRequestMeta } from '../protocol/generated/messages/fetch-request.js';
import { decodeFetchResponse } from '../protocol/generated/messages/fetch-response.js';
import { encodeFetchSnapshotRequest, fetchSnapshotRequestMeta } from '../protocol/generated/messages/fetch-snapshot-request.js';
import { decodeFetchSnapshotResponse } from '../protocol/generated/messages/fetch-snapshot-response.js';
import { encodeVoteRequest, voteRequestMeta } from '../protocol/generated/messages/vote-request.js';
import { decodeVoteResponse } from '../protocol/generated/messages/vote-response.js';
import type { RaftTransport } from '../controller/raft-messenger.js';
import { RAFT_API_VERSIONS, type WireRequest, type WireResponse } from '../controller/raft-wire.js';

export interface RaftSocketTransportOptions {
  /** This node's id (the client id names it). */
  readonly nodeId: number;
  /** controller.quorum.voters: each voter's controller listener (may be empty for an observer with bootstrap servers). */
  readonly voters: ReadonlyMap<number, HostPort>;
  /** controller.quorum.bootstrap.servers: where an observer looks for the leader. */
  readonly bootstrapServers?: readonly HostPort[];
  readonly clock: Clock;
  /** Bound on one connect and one exchange (controller.quorum.request.timeout.ms, 2000). */
  readonly requestTimeoutMs?: number;
}

interface Codec {
  readonly firstFlexibleVersion: number;
  encode(w: Writer, v: number, body: never): void;
  decode(r: Reader, v: number): unknown;
}

const CODECS: Record<WireRequest['apiKey'], Codec> = {
  [ApiKey.Vote]: { firstFlexibleVersion: voteRequestMeta.firstFlexibleVersion, encode: encodeVoteRequest, decode: decodeVoteResponse },
  [ApiKey.BeginQuorumEpoch]: { firstFlexibleVersion: beginQuorumEpochRequestMeta.firstFlexibleVersion, encode: encodeBeginQuorumEpochRequest, decode: decodeBeginQuorumEpochResponse },
  [ApiKey.EndQuorumEpoch]: { firstFlexibleVersion: endQuorumEpochRequestMeta.firstFlexibleVersion, encode: encodeEndQuorumEpochRequest, decode: decodeEndQuorumEpochResponse },
  [ApiKey.Fetch]: { firstFlexibleVersion: fetchRequestMeta.firstFlexibleVersion, encode: encodeFetchRequest, decode: decodeFetchResponse },
  [ApiKey.FetchSnapshot]: { firstFlexibleVersion: fetchSnapshotRequestMeta.firstFlexibleVersion, encode: encodeFetchSnapshotRequest, decode: decodeFetchSnapshotResponse },
};

const DEFAULT_REQUEST_TIMEOUT_MS = 2_000;
const CORRELATION_ID_SPAN = 0x40000000;

export class RaftSocketTransport implements RaftTransport {
  private readonly links = new Map<number, Promise<KafkaConnection>>();
  /** The open connection behind each settled entry of `links`. */
  private readonly open = new Map<number, KafkaConnection>();
  /** The last correlation id used towards each voter. */
  private readonly lastCorrelationId = new Map<number, number>();
  private readonly correlationStart: number;
  private readonly timeoutMs: number;
  private closed = false;
  /** Where each node listens: the voters, the bootstrap servers (negative ids), leaders learned. */
  private readonly addresses: Map<number, HostPort>;
  readonly bootstrapIds: readonly number[];

  constructor(private readonly opts: RaftSocketTransportOptions) {
    this.timeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.correlationStart = opts.clock.nowMs() % CORRELATION_ID_SPAN;
    this.addresses = new Map(opts.voters);
    const bootstrap = opts.bootstrapServers ?? [];
    this.bootstrapIds = bootstrap.map((_, i) => -2 - i);
    bootstrap.forEach((at, i) => this.addresses.set(-2 - i, at));
  }

  /** Where a voter (or a leader learned from an answer) listens. */
  endpointOf(nodeId: number): HostPort | undefined {
    return nodeId >= 0 ? this.addresses.get(nodeId) : undefined;
  }

  /** An answer named where `nodeId` listens; a changed address drops the old connection. */
  learnEndpoint(nodeId: number, at: HostPort): void {
    if (nodeId < 0 || this.closed) return;
    const known = this.addresses.get(nodeId);
    if (known !== undefined && known.host === at.host && known.port === at.port) return;
    this.addresses.set(nodeId, { host: at.host, port: at.port });
    // A connect under way to the old address is left alone: it fails, or serves until it does.
    const open = this.open.get(nodeId);
    if (open !== undefined) this.drop(nodeId, open);
  }

  async send(to: number, request: WireRequest): Promise<WireResponse> {
    const link = await this.link(to);
    const version = RAFT_API_VERSIONS[request.apiKey];
    try {
      const body = await link.send(apiCallOf(request, version), version, this.timeoutMs);
      return { apiKey: request.apiKey, body } as WireResponse;
    } catch (e) {
      this.drop(to, link);
      throw e;
    } finally {
      this.lastCorrelationId.set(to, link.lastCorrelationId);
    }
  }

  /** Closes every connection; later sends reject. */
  close(): void {
    this.closed = true;
    for (const c of this.open.values()) c.close();
    this.open.clear();
    this.links.clear();
  }

  private link(to: number): Promise<KafkaConnection> {
    if (this.closed) return Promise.reject(new Error('the quorum transport is closed'));
    const existing = this.links.get(to);
    if (existing !== undefined) return existing;
    const address = this.addresses.get(to);
    if (address === undefined) return Promise.reject(new Error(`node ${to} is neither in controller.quorum.voters nor a leader named by an answer`));
    const opening = KafkaConnection.connect(formatHostPort(address.host, address.port), {
      timeoutMs: this.timeoutMs,
      clientId: `raft-client-${this.opts.nodeId}`,
      clock: this.opts.clock,
      firstCorrelationId: this.lastCorrelationId.get(to) ?? this.correlationStart,
    });
    this.links.set(to, opening);
    opening.then(
      (c) => {
        // Closed while connecting: nobody else will close it.
        if (this.closed) c.close();
        else if (this.links.get(to) === opening) this.open.set(to, c);
      },
      () => {
        if (this.links.get(to) === opening) this.links.delete(to);
      },
    );
    return opening;
  }

  private drop(to: number, link: KafkaConnection): void {
    link.close();
    if (this.open.get(to) !== link) return;
    this.open.delete(to);
    this.links.delete(to);
  }
}

function apiCallOf(request: WireRequest, version: number): ApiCall<WireResponse['body']> {
  const codec = CODECS[request.apiKey];
  return {
    key: request.apiKey,
    ours: { min: version, max: version },
    firstFlexibleVersion: codec.firstFlexibleVersion,
    encode: (w, v) => codec.encode(w, v, request.body as never),
    decode: (r, v) => codec.decode(r, v) as WireResponse['body'],
  };
}
