/**
 * The brokers a client is told about (Metadata, DescribeCluster, FindCoordinator): every
 * registered, unfenced broker, at its endpoint for the listener the client came in on (Kafka
 * answers each listener with that listener's addresses), and the controller id clients send
 * controller requests to.
 */
import type { BrokerServices, Endpoint } from './context.js';

export interface LiveBroker {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  readonly rack: string | null;
}

/** Unfenced brokers by id, at their `listenerName` endpoint (brokers without one are left out). */
export function liveBrokers(broker: BrokerServices, listenerName: string): LiveBroker[] {
  const out: LiveBroker[] = [];
  for (const b of broker.image.brokers.values()) {
    if (b.fenced) continue;
    const e = b.endpoints.find((x) => x.name === listenerName) ?? b.endpoints[0];
    if (e !== undefined) out.push({ nodeId: b.id, host: e.host, port: e.port, rack: b.rack });
  }
  // Before this node's own registration is in the image (its first moments), it still names itself.
  if (!out.some((b) => b.nodeId === broker.settings.nodeId)) {
    const self = ownEndpoint(broker, listenerName);
    if (self !== undefined) out.push({ nodeId: broker.settings.nodeId, host: self.host, port: self.port, rack: broker.settings.rack });
  }
  return out.sort((a, b) => a.nodeId - b.nodeId);
}

/** Broker `id`'s endpoint for the client's listener, if it is a live broker. */
export function liveBroker(broker: BrokerServices, id: number, listenerName: string): LiveBroker | undefined {
  return liveBrokers(broker, listenerName).find((b) => b.nodeId === id);
}

/**
 * The controller id clients see: the active controller when it is a live broker (combined mode:
 * controller requests go straight to it), else this broker, which forwards them as Kafka's do.
 */
export function visibleControllerId(broker: BrokerServices): number {
  const leader = broker.quorum.raftState().leaderId;
  const b = broker.image.brokers.get(leader);
  return b !== undefined && !b.fenced ? leader : broker.settings.nodeId;
}

function ownEndpoint(broker: BrokerServices, listenerName: string): Endpoint | undefined {
  const endpoints = broker.advertisedEndpoints();
  return endpoints.find((e) => e.listenerName === listenerName) ?? endpoints[0];
}
