/**
 * ListOffsets by timestamp across many segments: with the smallest segments Kafka allows (1 MiB),
 * 20 KB records and a dense time index the answer (the earliest offset whose timestamp is >= the
 * target; -1 after the last record) comes through the time indexes of several segments.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, type CompatEnv } from '../capability.js';
import type { PythonHandle } from '../clients/python.js';
import { MIN_SEGMENT_BYTES } from '../log-steps.js';

const CONFIGS = { 'segment.bytes': String(MIN_SEGMENT_BYTES), 'index.interval.bytes': '100' };
/** 200 records of this size: about four segments. */
const VALUE_BYTES = 20_000;

/** confluent-kafka-python (either release): offsets_for_times, -1 passed through after the last record. */
async function librdkafka(env: CompatEnv, py: PythonHandle): Promise<void> {
  const topic = await env.createTopic('ts-create', { partitions: 1, configs: CONFIGS });
  const base = Date.now() - 1_000_000;
  // Message i has timestamp base + i.
  await py.produce(env, { topic, count: 200, base_ts: base, partitions: 1, value_bytes: VALUE_BYTES, batch_bytes: 1000 });
  const cases: [number, number][] = [[base - 5, 0], [base, 0], [base + 55, 55], [base + 100, 100], [base + 199, 199], [base + 5000, -1]];
  for (const [ts, want] of cases) {
    const got = await py.offsetsForTimes(env, topic, ts);
    assert.equal(got.get(0), want, `${py.client} at ${ts - base}`);
  }
}

/** franz-go: kadm.ListOffsetsAfterMilli answers "no such offset" with the end offset (timestamp -1). */
async function franzGo(env: CompatEnv, fgo: PythonHandle): Promise<void> {
  const topic = await env.createTopic('ts-create', { partitions: 1, configs: CONFIGS });
  const base = Date.now() - 1_000_000;
  // Batches below the broker's message.max.bytes (franz-go fills 1 MB batches by default).
  await fgo.produce(env, { topic, count: 200, base_ts: base, partitions: 1, value_bytes: VALUE_BYTES, batch_bytes: 100_000 });
  const cases: [number, number][] = [[base - 5, 0], [base, 0], [base + 55, 55], [base + 100, 100], [base + 199, 199], [base + 5000, 200]];
  for (const [ts, want] of cases) {
    const [got] = await fgo.command<{ offset: number; timestamp: number }>(env, 'offsets_for_times', { topic, timestamp: ts });
    assert.deepEqual([got?.offset, got?.timestamp], [want, want === 200 ? -1 : base + want], `franz-go at ${ts - base}`);
  }
}

export default defineCapability({
  id: 'offsets-by-time-segments',
  title: 'offsets by timestamp across many segments (time index)',
  order: 55,
  requires: [{ api: ApiKey.CreateTopics }, { api: ApiKey.ListOffsets, minVersion: 1 }],
  cells: {
    async kafkajs(env, kjs) {
      const topic = await env.createTopic('ts-create', { partitions: 1, configs: CONFIGS });
      const s = kjs.session(env);
      const admin = await s.admin();
      const producer = await s.producer({ allowAutoTopicCreation: false });
      const base = Date.now() - 1_000_000;
      for (let i = 0; i < 200; i += 10) {
        await producer.send({ topic, acks: -1, messages: Array.from({ length: 10 }, (_, j) => ({ key: `key-${i + j}`, value: `value-${i + j}`.padEnd(VALUE_BYTES, '.'), timestamp: String(base + (i + j) * 10) })) });
      }
      const cases: [number, number][] = [[base - 5, 0], [base, 0], [base + 55, 6], [base + 1000, 100], [base + 1990, 199], [base + 5000, -1]];
      for (const [ts, want] of cases) {
        const got = await admin.fetchTopicOffsetsByTimestamp(topic, ts);
        // kafkajs answers "no such offset" (-1) with the high watermark.
        assert.equal(Number(got[0]!.offset), want === -1 ? 200 : want, `kafkajs at ${ts - base}`);
      }
    },

    'confluent-kafka-python': librdkafka,
    'confluent-kafka-python-2': librdkafka,
    'franz-go': franzGo,

    async java(env, j) {
      // Kafka 4.x refuses segment.bytes below 1 MiB: 200 records of 20 KB (one per batch) fill four segments.
      const topic = await env.createTopic('ts-create', { partitions: 1, configs: { 'segment.bytes': String(1 << 20), 'index.interval.bytes': '100' } });
      const base = Date.now() - 1_000_000;
      // Message i has timestamp base + i.
      await j.produce(env, { topic, count: 200, base_ts: base, partitions: 1, value_bytes: 20_000 });
      const cases: [number, number][] = [[base - 5, 0], [base, 0], [base + 55, 55], [base + 100, 100], [base + 199, 199], [base + 5000, -1]];
      for (const [ts, want] of cases) {
        const got = await j.offsetsForTimes(env, topic, ts);
        assert.equal(got.get(0), want, `java at ${ts - base}`);
      }
    },

    async 'kafka-python'(env, py) {
      const topic = await env.createTopic('ts-create', { partitions: 1, configs: CONFIGS });
      const base = Date.now() - 1_000_000;
      await py.produce(env, { topic, count: 200, base_ts: base, partitions: 1, value_bytes: VALUE_BYTES, batch_bytes: 1000 });
      for (const [ts, want] of [[base - 5, 0], [base + 55, 55], [base + 199, 199], [base + 5000, -1]] as const) {
        const got = await py.offsetsForTimes(env, topic, ts);
        assert.equal(got.get(0), want, `kafka-python at ${ts - base}`);
      }
    },
  },
});
