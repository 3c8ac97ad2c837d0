/**
 * Steps the log rows share (retention, delete-records, compaction, configs, log-append-time,
 * offsets-by-time-segments): producing numbered records with kafkajs, and a partition's log start
 * offset and high watermark as kafkajs's admin reports them.
 */
import assert from 'node:assert/strict';
import type { Admin, Producer } from 'kafkajs';
import type { KafkajsModule } from './clients/kafkajs.js';

/**
 * The smallest segment.bytes every Kafka accepts: 1 MiB since Kafka 4.0 (KIP-1030; 3.x took 14
 * bytes). Rows that need several segments write BIG_VALUE_BYTES values, about ten per segment,
 * instead of asking for tiny segments an endpoint may refuse (INVALID_CONFIG).
 */
export const MIN_SEGMENT_BYTES = 1_048_576;
/** A value size that fills a MIN_SEGMENT_BYTES segment in about ten records; two fit one request under message.max.bytes=300000. */
export const BIG_VALUE_BYTES = 100_000;

/** DescribeConfigs config_source values: DYNAMIC_TOPIC_CONFIG, DYNAMIC_BROKER_CONFIG. */
export const TOPIC_CONFIG = 1;
export const DYNAMIC_BROKER_CONFIG = 2;

/** key-<i>/value-<i> for i in [from, from + count), `perSend` per request, acks=all. */
export async function produceRange(
  producer: Producer, topic: string, count: number, opts: { from?: number; timestamp?: number; perSend?: number; valueBytes?: number } = {},
): Promise<void> {
  const from = opts.from ?? 0;
  const perSend = opts.perSend ?? 10;
  for (let i = from; i < from + count; i += perSend) {
    const messages = [];
    for (let j = i; j < Math.min(i + perSend, from + count); j++) {
      messages.push({ key: `key-${j}`, value: `value-${j}`.padEnd(opts.valueBytes ?? 0, '.'), ...(opts.timestamp === undefined ? {} : { timestamp: String(opts.timestamp) }) });
    }
    await producer.send({ topic, acks: -1, messages });
  }
}

/** Log start offset and high watermark of partition 0 (kafkajs ListOffsets). */
export async function partition0(admin: Admin, topic: string): Promise<{ low: number; high: number }> {
  const o = await admin.fetchTopicOffsets(topic);
  const p = o.find((x) => x.partition === 0);
  assert.ok(p !== undefined, `no offsets for ${topic}/0`);
  return { low: Number(p.low), high: Number(p.high) };
}

/** A topic's configs as kafkajs's describeConfigs reports them: name → value and source. */
export async function describeTopicConfigs(kafkajs: KafkajsModule, admin: Admin, topic: string): Promise<Map<string, { value: string; source: number }>> {
  const r = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic }] });
  return new Map(r.resources[0]!.configEntries.map((e) => [e.configName, { value: e.configValue, source: e.configSource as number }]));
}
