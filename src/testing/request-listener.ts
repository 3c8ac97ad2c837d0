/**
 * Test support: one TCP listener on 127.0.0.1 (port 0) behind the real request path
 * (network/connection.ts framing and ordering, kafka/request-processor.ts with the full registry)
 * over the services a test hands in. `close()` stops listening and drops every open connection, as
 * a node that went away does.
 *
 * `partialServices` builds a BrokerServices from the parts a test really has; the rest are left
 * out and cast, so a handler reaching for one fails loudly (a TypeError naming undefined), never
 * answers from a stand-in. Each test says which parts its APIs use.
 */
import type { HostPort } from '../client/connection.js';
import { systemClock } from '../io/clock.js';
import { listenTcp } from '../io/tcp.js';
import type { BrokerServices, BrokerSettings } from '../kafka/context.js';
import { KafkaRequestProcessor } from '../kafka/request-processor.js';
import { createRegistry } from '../kafka/registry.js';
import { MetadataImage } from '../metadata/metadata-image.js';
import { Connection } from '../network/connection.js';
import { silentLogger } from '../util/logger.js';

export interface RequestListener {
  readonly address: HostPort;
  close(): Promise<void>;
}

export async function serveRequests(services: BrokerServices, listenerName = 'PLAINTEXT'): Promise<RequestListener> {
  const processor = new KafkaRequestProcessor(createRegistry(), services);
  const connections = new Set<Connection>();
  let nextId = 0;
  const tcp = await listenTcp('127.0.0.1', 0, (stream) => {
    const c = new Connection(nextId++, stream, listenerName, processor, { maxFrameBytes: 100 << 20, maxInFlightRequests: 100 }, () => undefined, () => connections.delete(c));
    connections.add(c);
  });
  return {
    address: { host: '127.0.0.1', port: tcp.port },
    async close() {
      const closing = tcp.close();
      for (const c of connections) c.close();
      await closing;
    },
  };
}

/** A BrokerServices of the given parts (see the file header); settings, clock, image, log and endpoints have real values. */
export function partialServices(nodeId: number, parts: Omit<Partial<BrokerServices>, 'settings'> & { settings?: Partial<BrokerSettings> }): BrokerServices {
  const settings: BrokerSettings = {
    nodeId,
    clusterId: 'cluster-test',
    rack: null,
    autoCreateTopics: false,
    defaultNumPartitions: 1,
    defaultReplicationFactor: 1,
    deleteTopicEnable: true,
    ...parts.settings,
  };
  return {
    clock: systemClock,
    image: new MetadataImage(),
    log: silentLogger,
    advertisedEndpoints: () => [],
    ...parts,
    settings,
  } as BrokerServices;
}
