/**
 * Replication's FetchTransport over TCP: a follower's Fetch to the broker leading its partitions,
 * Fetch v17 (topic ids, the replica id and broker epoch in replica_state as KIP-903 moved them, the
 * diverging epoch as a tagged field), with client id `broker-<id>-fetcher-0` as Kafka's replica
 * fetcher names itself.
 *
 * One connection per leader broker, its address looked up when the connection is opened (the
 * metadata image's registered brokers): opened on the first fetch and again on the first fetch
 * after a failure; a failed connect or exchange closes it and rejects the fetch (the fetcher backs
 * off). An unknown broker rejects at once. A broker whose address changed (re-registered on a new
 * port) is reconnected to. The exchange is bounded by replica.socket.timeout.ms, which must exceed
 * the fetch's max wait.
 */
import { KafkaConnection, formatHostPort, type ApiCall, type HostPort } from '../client/connection.js';
import type { Clock } from '../io/clock.js';
import { encodeFetchRequest, fetchRequestMeta, type FetchRequest } from '../protocol/generated/messages/fetch-request.js';
import { decodeFetchResponse, type FetchResponse } from '../protocol/generated/messages/fetch-response.js';
import type { FetchTransport } from '../replication/replica-fetcher.js';

const FETCH_VERSION = 17;
/** replica.socket.timeout.ms (30 s). */
const DEFAULT_SOCKET_TIMEOUT_MS = 30_000;

export interface ReplicaFetchTransportOptions {
  readonly localId: number;
  /** Where a broker listens (its registration's endpoint for the inter-broker listener). */
  readonly lookup: (brokerId: number) => HostPort | undefined;
  readonly clock: Clock;
  readonly socketTimeoutMs?: number;
}

interface Link {
  readonly address: string;
  readonly connection: Promise<KafkaConnection>;
}

export class ReplicaFetchTransport implements FetchTransport {
  private readonly links = new Map<number, Link>();
  private closed = false;

  constructor(private readonly opts: ReplicaFetchTransportOptions) {}

  async fetch(brokerId: number, request: FetchRequest): Promise<FetchResponse> {
    const link = this.link(brokerId);
    let connection: KafkaConnection;
    try {
      connection = await link.connection;
    } catch (e) {
      this.forget(brokerId, link);
      throw e;
    }
    try {
      return await connection.send(fetchCall(request), FETCH_VERSION, this.opts.socketTimeoutMs ?? DEFAULT_SOCKET_TIMEOUT_MS);
    } catch (e) {
      connection.close();
      this.forget(brokerId, link);
      throw e;
    }
  }

  /** Closes every connection; later fetches reject. */
  close(): void {
    this.closed = true;
    for (const link of this.links.values()) link.connection.then((c) => c.close(), () => undefined);
    this.links.clear();
  }

  private link(brokerId: number): Link {
    if (this.closed) throw new Error('the replica fetch transport is closed');
    const found = this.opts.lookup(brokerId);
    if (found === undefined) throw new Error(`broker ${brokerId} is not registered: no address to fetch from`);
    const address = formatHostPort(found.host, found.port);
    const existing = this.links.get(brokerId);
    if (existing !== undefined && existing.address === address) return existing;
    if (existing !== undefined) this.forget(brokerId, existing, true);
    const connection = KafkaConnection.connect(address, {
      timeoutMs: this.opts.socketTimeoutMs ?? DEFAULT_SOCKET_TIMEOUT_MS,
      clientId: `broker-${this.opts.localId}-fetcher-0`,
      clock: this.opts.clock,
    });
    const link = { address, connection };
    this.links.set(brokerId, link);
    connection.then((c) => this.closed && c.close(), () => undefined);
    return link;
  }

  private forget(brokerId: number, link: Link, close = false): void {
    if (close) link.connection.then((c) => c.close(), () => undefined);
    if (this.links.get(brokerId) === link) this.links.delete(brokerId);
  }
}

function fetchCall(request: FetchRequest): ApiCall<FetchResponse> {
  return {
    key: fetchRequestMeta.apiKey,
    ours: { min: FETCH_VERSION, max: FETCH_VERSION },
    firstFlexibleVersion: fetchRequestMeta.firstFlexibleVersion,
    encode: (w, v) => encodeFetchRequest(w, v, request),
    decode: (r, v) => decodeFetchResponse(r, v),
  };
}
