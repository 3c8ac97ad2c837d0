// The broker key registry: every Kafka broker key, Tributary's own defaults for the keys it acts on,
// and the `tributary.*` keys. Answers "is this key known, and how is it typed and validated?".
//
// Tributary defaults that differ from Kafka's, and why:
//   listeners                         PLAINTEXT://127.0.0.1:9092 (Kafka PLAINTEXT://:9092): a dev node
//                                     should not listen on every interface unless asked to
//   log.dir                           ./data (Kafka /tmp/kafka-logs): `npm start` keeps data beside it
//   node.id                           1 (Kafka: required): one command starts a node
//   process.roles                     broker,controller (Kafka: required): single-node combined mode
//   offsets.topic.replication.factor  1 (Kafka 3): a single node must be able to create the topic
//   transaction.state.log.replication.factor  1 (Kafka 3): the same for __transaction_state
// Only `tributary.`-prefixed keys may be added here that Kafka does not define, and
// `schema.registry.listeners`, the name issue #11 gives the schema registry's endpoint.

import { KAFKA_BROKER_KEYS } from './kafka-broker-keys.js';
import type { ConfigDef, ConfigTypeName } from './config-types.js';
import { parseConfigValue } from './config-parse.js';

function def(name: string, type: ConfigTypeName, defaultValue: string | null, valid: string, readOnly: boolean): ConfigDef {
  return { name, type, defaultValue, valid, readOnly };
}

const KAFKA_DEFS: ReadonlyMap<string, ConfigDef> = new Map(
  KAFKA_BROKER_KEYS.map(([name, type, dflt, valid, mode]) => [name, def(name, type, dflt, valid, mode === 'R')]),
);

/** Keys whose definition Tributary changes (defaults above; validators Kafka enforces in code). */
const TRIBUTARY_OVERRIDES: readonly ConfigDef[] = [
  def('listeners', 'STRING', 'PLAINTEXT://127.0.0.1:9092', '', false),
  def('log.dir', 'STRING', './data', '', true),
  def('node.id', 'INT', '1', '[0,...]', true),
  def('process.roles', 'LIST', 'broker,controller', '[broker, controller]', true),
  def('offsets.topic.replication.factor', 'SHORT', '1', '[1,...]', true),
  def('transaction.state.log.replication.factor', 'SHORT', '1', '[1,...]', true),
  // Kafka 3.x's bound; 4.x raised it to 1 MiB (see topic-config-defs.ts for why we keep 14).
  def('log.segment.bytes', 'INT', '1073741824', '[14,...]', false),
];

/**
 * Kafka's dynamic-only broker keys (QuotaConfig.brokerQuotaConfigs, DynamicConfig.Broker): set with
 * IncrementalAlterConfigs on one broker or the cluster default, absent from the generated reference
 * page kafka-broker-keys.ts is taken from. The replication throttles' bounds in bytes/s (KIP-73);
 * Kafka reads them from the dynamic layers only, so a static value is not acted on.
 * replica.alter.log.dirs.io.max.bytes.per.second bounds the bytes log-dir moves copy (KIP-113).
 */
const KAFKA_DYNAMIC_ONLY_DEFS: readonly ConfigDef[] = [
  def('leader.replication.throttled.rate', 'LONG', '9223372036854775807', '[0,...]', false),
  def('follower.replication.throttled.rate', 'LONG', '9223372036854775807', '[0,...]', false),
  def('replica.alter.log.dirs.io.max.bytes.per.second', 'LONG', '9223372036854775807', '[0,...]', false),
];

/** Tributary's own keys (the only non-Kafka keys accepted). */
export const TRIBUTARY_DEFS: readonly ConfigDef[] = [
  // DESIGN.md "Storage": acks=all is acknowledged only after its batch is fsynced; false restores
  // Kafka's page-cache behaviour (flush only per log.flush.*).
  def('tributary.acks.all.fsync', 'BOOLEAN', 'true', '', true),
  // Prometheus metrics (README "Metrics"): `http://host:port` endpoints serving /metrics; empty
  // turns the endpoint off. Loopback by default, as `listeners`.
  def('tributary.metrics.listeners', 'STRING', 'http://127.0.0.1:9404', '', true),
  // false drops the per-partition series (log size, partition offsets, per-partition lag), which
  // grow with partitions × groups; per-topic and per-group sums stay.
  def('tributary.metrics.partition.labels', 'BOOLEAN', 'true', '', true),
  // The schema registry's REST API (README "Schema registry"): `http://host:port` endpoints;
  // empty turns the registry off. Loopback by default, as `listeners`.
  def('schema.registry.listeners', 'STRING', 'http://127.0.0.1:8081', '', true),
];

export const BROKER_CONFIG_DEFS: ReadonlyMap<string, ConfigDef> = new Map([
  ...KAFKA_DEFS,
  ...KAFKA_DYNAMIC_ONLY_DEFS.map((d) => [d.name, d] as const),
  ...TRIBUTARY_OVERRIDES.map((d) => [d.name, d] as const),
  ...TRIBUTARY_DEFS.map((d) => [d.name, d] as const),
]);

/**
 * The keys Tributary acts on today; any other known key is accepted with a warning. A key joins
 * this list in the change that makes it take effect (retention, offsets topic, min ISR and the
 * quorum voters are parsed already but not acted on yet, so they still warn).
 */
export const ACTED_ON_KEYS: ReadonlySet<string> = new Set([
  'listeners', 'advertised.listeners', 'listener.security.protocol.map', 'log.dirs', 'log.dir',
  'node.id', 'broker.id', 'process.roles', 'num.partitions',
  'default.replication.factor', 'auto.create.topics.enable', 'log.segment.bytes', 'log.roll.ms',
  'log.roll.hours', 'log.index.interval.bytes', 'log.index.size.max.bytes', 'log.flush.interval.messages',
  'log.flush.interval.ms', 'log.flush.scheduler.interval.ms', 'message.max.bytes',
  'socket.request.max.bytes', 'delete.topic.enable', 'tributary.acks.all.fsync',
  'tributary.metrics.listeners', 'tributary.metrics.partition.labels', 'schema.registry.listeners',
  // Consumer groups and __consumer_offsets: issue #4.
  'offsets.topic.num.partitions', 'offsets.topic.replication.factor', 'offsets.topic.segment.bytes',
  'offsets.retention.minutes', 'offsets.retention.check.interval.ms', 'offset.metadata.max.bytes',
  'group.initial.rebalance.delay.ms', 'group.min.session.timeout.ms', 'group.max.session.timeout.ms', 'group.max.size',
  // The log's whole life (retention, compaction, timestamps): issue #5.
  'log.retention.ms', 'log.retention.minutes', 'log.retention.hours', 'log.retention.bytes',
  'log.retention.check.interval.ms', 'log.cleanup.policy', 'log.segment.delete.delay.ms',
  'log.message.timestamp.type', 'log.cleaner.enable', 'log.cleaner.backoff.ms',
  'log.cleaner.delete.retention.ms', 'log.cleaner.min.cleanable.ratio',
  'log.cleaner.min.compaction.lag.ms', 'log.cleaner.max.compaction.lag.ms',
  // Transactions and producer state: issue #6.
  'transaction.state.log.num.partitions', 'transaction.state.log.replication.factor', 'transaction.state.log.segment.bytes',
  'transaction.max.timeout.ms', 'transaction.abort.timed.out.transaction.cleanup.interval.ms',
  'transactional.id.expiration.ms', 'transaction.remove.expired.transaction.cleanup.interval.ms', 'producer.id.expiration.ms',
  // The cluster: the metadata quorum, brokers' registration and liveness, replication (issue #10).
  'controller.quorum.voters', 'controller.quorum.bootstrap.servers', 'controller.listener.names', 'inter.broker.listener.name', 'broker.rack', 'replica.selector.class',
  'broker.session.timeout.ms', 'broker.heartbeat.interval.ms', 'replica.lag.time.max.ms', 'min.insync.replicas',
  'replica.fetch.wait.max.ms', 'replica.fetch.max.bytes', 'replica.fetch.response.max.bytes', 'replica.fetch.backoff.ms',
  'unclean.leader.election.enable', 'controller.quorum.election.timeout.ms', 'controller.quorum.fetch.timeout.ms',
  'controller.quorum.election.backoff.max.ms', 'controller.quorum.request.timeout.ms', 'controller.quorum.retry.backoff.ms',
  'metadata.log.max.record.bytes.between.snapshots', 'metadata.log.max.snapshot.interval.ms',
  'replication.quota.window.num', 'replication.quota.window.size.seconds',
  'alter.log.dirs.replication.quota.window.num', 'alter.log.dirs.replication.quota.window.size.seconds',
]);

/**
 * Prefixes under which Kafka passes keys through to a plugin or per-listener copy of a known key:
 * `listener.name.<listener>.[<sasl mechanism>.]<key>`, `config.providers.<name>.…` (KIP-297),
 * and the remote-storage plugin prefixes' defaults `rsm.config.` / `rlmm.config.` (KIP-405).
 */
const PASS_THROUGH_PREFIXES = ['config.providers.', 'rsm.config.', 'rlmm.config.'];

export interface KnownKey {
  /** The definition that types the value (for a listener-prefixed key, the base key's). */
  readonly def: ConfigDef;
  readonly actedOn: boolean;
}

/** How a key is known, or undefined when neither Kafka nor Tributary defines it. */
export function lookupBrokerKey(key: string): KnownKey | undefined {
  const direct = BROKER_CONFIG_DEFS.get(key);
  if (direct) return { def: direct, actedOn: ACTED_ON_KEYS.has(key) };
  if (key === 'config.providers') return { def: def(key, 'LIST', '', '', true), actedOn: false };
  if (PASS_THROUGH_PREFIXES.some((p) => key.startsWith(p) && key.length > p.length)) {
    return { def: def(key, 'STRING', null, '', true), actedOn: false };
  }
  const base = listenerPrefixedBase(key);
  return base ? { def: { ...base, name: key }, actedOn: false } : undefined;
}

function listenerPrefixedBase(key: string): ConfigDef | undefined {
  const m = /^listener\.name\.[^.]+\.(.+)$/.exec(key);
  const rest = m?.[1];
  if (rest === undefined) return undefined;
  const direct = BROKER_CONFIG_DEFS.get(rest);
  if (direct) return direct;
  const afterMechanism = /^[^.]+\.(.+)$/.exec(rest)?.[1];
  return afterMechanism === undefined ? undefined : BROKER_CONFIG_DEFS.get(afterMechanism);
}

/** null when `value` parses and validates for broker key `key` (AlterConfigs), else Kafka's message. */
export function validateBrokerValue(key: string, value: string): string | null {
  const known = lookupBrokerKey(key);
  if (known === undefined) return `Unknown broker config name: ${key}`;
  const parsed = parseConfigValue(known.def, value);
  return parsed.ok ? null : parsed.error;
}
