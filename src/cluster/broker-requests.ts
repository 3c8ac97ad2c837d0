/**
 * Requests from this broker to another one on the inter-broker listener (a transaction
 * coordinator's WriteTxnMarkers to a partition's leader): one connection per broker, addressed
 * through its registration, reopened after a failure. Replica fetches have their own connections
 * (replica-fetch-transport.ts): a long-polling fetch must not hold these requests up.
 */
import { KafkaConnection, formatHostPort, type ApiCall, type HostPort } from '../client/connection.js';

export interface BrokerRequestsOptions {
  readonly nodeId: number;
  /** Where broker `id` listens on the inter-broker listener; undefined when it is not registered. */
  readonly lookup: (brokerId: number) => HostPort | undefined;
  /** Bound on one connect and one exchange (request.timeout.ms). */
  readonly timeoutMs: number;
}

export class BrokerRequests {
  private readonly links = new Map<number, { address: string; connection: Promise<KafkaConnection> }>();
  private closed = false;

  constructor(private readonly o: BrokerRequestsOptions) {}

  async send<T>(brokerId: number, call: ApiCall<T>): Promise<T> {
    if (this.closed) throw new Error('broker requests are closed');
    const address = this.o.lookup(brokerId);
    if (address === undefined) throw new Error(`broker ${brokerId} is not registered`);
    const target = formatHostPort(address.host, address.port);
    let link = this.links.get(brokerId);
    if (link === undefined || link.address !== target) {
      void link?.connection.then((c) => c.close(), () => undefined);
      link = { address: target, connection: KafkaConnection.connect(target, { timeoutMs: this.o.timeoutMs, clientId: `broker-${this.o.nodeId}` }) };
      this.links.set(brokerId, link);
    }
    try {
      return await (await link.connection).send(call);
    } catch (e) {
      // Next time, a fresh connection (this one failed or timed out, and may be out of step).
      if (this.links.get(brokerId) === link) this.links.delete(brokerId);
      void link.connection.then((c) => c.close(), () => undefined);
      throw e;
    }
  }

  close(): void {
    this.closed = true;
    for (const l of this.links.values()) void l.connection.then((c) => c.close(), () => undefined);
    this.links.clear();
  }
}
