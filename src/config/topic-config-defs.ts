// Kafka's topic-level configs (TopicConfig / LogConfig) and their broker-default synonyms.
//
// Source: the generated "Topic Configs" reference of Kafka 4.1 (apache/kafka-site
// 41/generated/topic_config.html). The three 3.x keys 4.0 removed (message.downconversion.enable,
// message.format.version, message.timestamp.difference.max.ms) are unknown here as in Kafka 4: a
// topic created with one is refused (INVALID_CONFIG), as Apache Kafka 4.3.1 refuses it. Synonyms are Kafka's ServerTopicConfigSynonyms: listed in precedence order, with the unit
// conversion Kafka applies (log.retention.hours 24 → retention.ms 86400000).
// One deliberate difference: segment.bytes accepts ≥ 14 as Kafka 3.x did (4.x raised it to 1 MiB),
// matching log.segment.bytes here, so tests can roll tiny segments.

import type { ConfigTypeName } from './config-types.js';

export interface BrokerSynonym {
  readonly name: string;
  /** Multiplier from the broker key's unit to the topic key's (hours → ms = 3600000). */
  readonly toTopicUnit: number;
}

export interface TopicConfigRow {
  readonly name: string;
  readonly type: ConfigTypeName;
  readonly defaultValue: string | null;
  readonly valid: string;
  /** Broker keys that supply this topic config's default, highest precedence first. */
  readonly synonyms: readonly BrokerSynonym[];
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const LONG_MAX = '9223372036854775807';

const TOPIC_NAME_STRATEGY = 'io.confluent.kafka.serializers.subject.TopicNameStrategy';
const SUBJECT_NAME_STRATEGIES = `[${TOPIC_NAME_STRATEGY}, io.confluent.kafka.serializers.subject.RecordNameStrategy, io.confluent.kafka.serializers.subject.TopicRecordNameStrategy]`;

const same = (name: string): BrokerSynonym[] => [{ name, toTopicUnit: 1 }];
const log = (name: string): BrokerSynonym[] => same(`log.${name}`);

function row(name: string, type: ConfigTypeName, defaultValue: string | null, valid: string, synonyms: BrokerSynonym[]): TopicConfigRow {
  return { name, type, defaultValue, valid, synonyms };
}

export const TOPIC_CONFIG_ROWS: readonly TopicConfigRow[] = [
  row('cleanup.policy', 'LIST', 'delete', '[compact, delete]', log('cleanup.policy')),
  row('compression.gzip.level', 'INT', '-1', '[1,...,9] or -1', same('compression.gzip.level')),
  row('compression.lz4.level', 'INT', '9', '[1,...,17]', same('compression.lz4.level')),
  row('compression.type', 'STRING', 'producer', '[uncompressed, zstd, lz4, snappy, gzip, producer]', same('compression.type')),
  row('compression.zstd.level', 'INT', '3', '[-131072,...,22]', same('compression.zstd.level')),
  row('delete.retention.ms', 'LONG', '86400000', '[0,...]', same('log.cleaner.delete.retention.ms')),
  row('file.delete.delay.ms', 'LONG', '60000', '[0,...]', same('log.segment.delete.delay.ms')),
  row('flush.messages', 'LONG', LONG_MAX, '[1,...]', same('log.flush.interval.messages')),
  row('flush.ms', 'LONG', LONG_MAX, '[0,...]', [
    { name: 'log.flush.interval.ms', toTopicUnit: 1 },
    { name: 'log.flush.scheduler.interval.ms', toTopicUnit: 1 },
  ]),
  row('follower.replication.throttled.replicas', 'LIST', '', 'throttled-replicas', []),
  row('index.interval.bytes', 'INT', '4096', '[0,...]', log('index.interval.bytes')),
  row('leader.replication.throttled.replicas', 'LIST', '', 'throttled-replicas', []),
  row('local.retention.bytes', 'LONG', '-2', '[-2,...]', log('local.retention.bytes')),
  row('local.retention.ms', 'LONG', '-2', '[-2,...]', log('local.retention.ms')),
  row('max.compaction.lag.ms', 'LONG', LONG_MAX, '[1,...]', same('log.cleaner.max.compaction.lag.ms')),
  row('max.message.bytes', 'INT', '1048588', '[0,...]', same('message.max.bytes')),
  row('message.timestamp.after.max.ms', 'LONG', '3600000', '[0,...]', log('message.timestamp.after.max.ms')),
  row('message.timestamp.before.max.ms', 'LONG', LONG_MAX, '[0,...]', log('message.timestamp.before.max.ms')),
  row('message.timestamp.type', 'STRING', 'CreateTime', '[CreateTime, LogAppendTime]', log('message.timestamp.type')),
  row('min.cleanable.dirty.ratio', 'DOUBLE', '0.5', '[0,...,1]', same('log.cleaner.min.cleanable.ratio')),
  row('min.compaction.lag.ms', 'LONG', '0', '[0,...]', same('log.cleaner.min.compaction.lag.ms')),
  row('min.insync.replicas', 'INT', '1', '[1,...]', same('min.insync.replicas')),
  row('preallocate', 'BOOLEAN', 'false', '', log('preallocate')),
  row('remote.log.copy.disable', 'BOOLEAN', 'false', '', []),
  row('remote.log.delete.on.disable', 'BOOLEAN', 'false', '', []),
  row('remote.storage.enable', 'BOOLEAN', 'false', '', []),
  row('retention.bytes', 'LONG', '-1', '', log('retention.bytes')),
  row('retention.ms', 'LONG', '604800000', '[-1,...]', [
    { name: 'log.retention.ms', toTopicUnit: 1 },
    { name: 'log.retention.minutes', toTopicUnit: MINUTE_MS },
    { name: 'log.retention.hours', toTopicUnit: HOUR_MS },
  ]),
  row('segment.bytes', 'INT', '1073741824', '[14,...]', log('segment.bytes')),
  row('segment.index.bytes', 'INT', '10485760', '[4,...]', same('log.index.size.max.bytes')),
  row('segment.jitter.ms', 'LONG', '0', '[0,...]', [
    { name: 'log.roll.jitter.ms', toTopicUnit: 1 },
    { name: 'log.roll.jitter.hours', toTopicUnit: HOUR_MS },
  ]),
  row('segment.ms', 'LONG', '604800000', '[1,...]', [
    { name: 'log.roll.ms', toTopicUnit: 1 },
    { name: 'log.roll.hours', toTopicUnit: HOUR_MS },
  ]),
  row('unclean.leader.election.enable', 'BOOLEAN', 'false', '', same('unclean.leader.election.enable')),
  // Confluent Server's broker-side schema validation keys (issue #11, README "Schema registry"):
  // the broker checks each record's schema id (and, here, its payload) against the registry.
  row('confluent.key.schema.validation', 'BOOLEAN', 'false', '', []),
  row('confluent.key.subject.name.strategy', 'STRING', TOPIC_NAME_STRATEGY, SUBJECT_NAME_STRATEGIES, []),
  row('confluent.value.schema.validation', 'BOOLEAN', 'false', '', []),
  row('confluent.value.subject.name.strategy', 'STRING', TOPIC_NAME_STRATEGY, SUBJECT_NAME_STRATEGIES, []),
];
