/**
 * What a node derives from its configuration: the quorum's voters, the endpoints it advertises
 * once its listeners are bound, and each topic's log settings (its overrides over the broker's
 * log.* defaults).
 */
import type { LoadedConfig } from './config/index.js';
import type { HostPort } from './client/connection.js';
import type { Listener as TcpListener } from './io/tcp.js';
import { localHostName } from './io/host.js';
import type { StaticConfigService } from './controller/config-service.js';
import type { LogConfig } from './storage/log-config.js';
import type { Endpoint } from './kafka/context.js';

/**
 * controller.quorum.voters as id → controller listener; empty (or naming only this node) means a
 * quorum of this node alone.
 */
export function quorumVoters(config: LoadedConfig['config']): Map<number, HostPort> {
  return new Map(config.controllerQuorumVoters.map((v) => [v.id, { host: v.host, port: v.port }]));
}

/** advertised.listeners with ports resolved (port 0 → the port actually bound) and hosts filled in. */
export function advertise(config: LoadedConfig['config'], bound: readonly TcpListener[]): Endpoint[] {
  return config.advertisedListeners.map((a) => {
    const i = config.listeners.findIndex((l) => l.name === a.name);
    const listener = config.listeners[i];
    const tcp = bound[i];
    const port = a.port === 0 && tcp !== undefined ? tcp.port : a.port;
    const host = a.host !== '' ? a.host : listener !== undefined && listener.host !== '' ? listener.host : localHostName();
    return { listenerName: a.name, host, port, securityProtocol: a.securityProtocol };
  });
}

/** A topic's log settings: its overrides, else the broker's log.* defaults (Kafka's synonyms). */
export function topicLogConfig(configs: StaticConfigService, overrides: ReadonlyMap<string, string>): LogConfig {
  const num = (name: string): number => Number(configs.topicValue(name, overrides));
  const policy = configs.topicValue('cleanup.policy', overrides);
  const policies = Array.isArray(policy) ? (policy as readonly string[]) : [];
  return {
    segmentBytes: num('segment.bytes'),
    segmentMs: num('segment.ms'),
    indexIntervalBytes: num('index.interval.bytes'),
    maxIndexBytes: num('segment.index.bytes'),
    flushIntervalMessages: num('flush.messages'),
    flushIntervalMs: num('flush.ms'),
    retentionMs: num('retention.ms'),
    retentionBytes: num('retention.bytes'),
    cleanupDelete: policies.includes('delete'),
    cleanupCompact: policies.includes('compact'),
    fileDeleteDelayMs: num('file.delete.delay.ms'),
    logAppendTime: configs.topicValue('message.timestamp.type', overrides) === 'LogAppendTime',
    deleteRetentionMs: num('delete.retention.ms'),
    minCleanableDirtyRatio: num('min.cleanable.dirty.ratio'),
    minCompactionLagMs: num('min.compaction.lag.ms'),
    maxCompactionLagMs: num('max.compaction.lag.ms'),
  };
}
