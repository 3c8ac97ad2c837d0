/**
 * Keys, headers and timestamps survive the round trip: what the client set is what a reader sees,
 * and the producer's delivery reports carry the timestamps it set (CreateTime).
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, type CompatEnv } from '../capability.js';
import { readBack } from '../checks.js';
import type { PythonHandle } from '../clients/python.js';
import { consoleProduce, consumeAll } from '../kafka-cli-steps.js';
import type { DriverHandle } from '../clients/java.js';
import { assertRanOk } from '../process.js';
import { assertAllInOrder, assertSameAsDelivered, byPartition } from '../records.js';

async function python(env: CompatEnv, py: DriverHandle): Promise<void> {
  const baseTs = Date.now() - 6 * 3600_000;
  const N = 1000;
  const topic = await env.createTopic('fields', { partitions: 3 });
  const delivered = await py.produce(env, { topic, count: N, base_ts: baseTs });
  assert.equal(delivered.length, N);
  for (const d of delivered) {
    const idx = Number(d.key.slice('key-'.length));
    assert.equal(d.timestamp, baseTs + idx, `delivery report timestamp of ${d.key}`);
  }
  const records = await py.readAll(env, topic, N, 90_000);
  assertSameAsDelivered(records, delivered, { src: py.srcTag, baseTs });
  assert.ok(byPartition(records).size >= 2, 'keys spread over several partitions');
}

export default defineCapability({
  id: 'record-fields',
  title: 'keys, headers and timestamps round trip',
  order: 40,
  requires: [{ api: ApiKey.Produce, minVersion: 3 }, { api: ApiKey.Fetch, minVersion: 4 }],
  timeoutMs: 120_000,
  cells: {
    async kafkajs(env, kjs) {
      const N = 500;
      const baseTs = Date.now() - 3 * 3600_000;
      const topic = await env.createTopic('fields', { partitions: 3 });
      const p = await kjs.session(env).producer();
      await p.send({
        topic, acks: -1,
        messages: Array.from({ length: N }, (_, i) => ({
          key: `key-${i}`, value: `value-${i}`, timestamp: String(baseTs + i), headers: { idx: String(i), src: 'kafkajs' },
        })),
      });
      const { records } = await readBack(env, 'kafkajs', topic, N);
      const parts = assertAllInOrder(records, N, (i) => ({ value: `value-${i}`, headers: [['idx', String(i)], ['src', 'kafkajs']], timestamp: baseTs + i }));
      assert.ok(parts.size >= 2, 'keys spread over several partitions');
    },

    async kcat(env, kcat) {
      // kcat cannot set a timestamp: librdkafka stamps CreateTime itself, so it must fall in the send window.
      const N = 500;
      const topic = await env.createTopic('fields', { partitions: 3 });
      const lines = Array.from({ length: N }, (_, i) => `key-${i}:value-${i}`);
      const before = Date.now();
      const r = await kcat.run(env, ['-b', env.bootstrap, '-P', '-t', topic, '-K', ':', '-H', 'h1=one', '-H', 'h2=', '-H', 'h1=again'], { input: lines.join('\n') + '\n', timeoutMs: 30_000 });
      const after = Date.now();
      assertRanOk(r);
      const records = await kcat.readAll(env, topic);
      const parts = assertAllInOrder(records, N, (i) => ({ value: `value-${i}`, headers: [['h1', 'one'], ['h2', ''], ['h1', 'again']] }));
      assert.ok(parts.size >= 2, 'keys spread over several partitions');
      for (const rec of records) {
        assert.ok(rec.timestamp >= before - 1000 && rec.timestamp <= after + 1000, `timestamp of ${rec.key} (${rec.timestamp}) outside the send window [${before}, ${after}]`);
      }
    },

    'confluent-kafka-python': python,
    'kafka-python': python,

    async 'kafka-cli'(env, cli) {
      // The console producer cannot set a timestamp: the Java producer stamps CreateTime itself.
      const N = 500;
      const topic = await env.createTopic('fields', { partitions: 3 });
      const lines = Array.from({ length: N }, (_, i) => `h1:one,h2:,h1:again\tkey-${i}:value-${i}`);
      const before = Date.now();
      await consoleProduce(env, cli, topic, lines, { headers: true });
      const after = Date.now();
      const records = await consumeAll(env, cli, topic, N);
      const parts = assertAllInOrder(records, N, (i) => ({ value: `value-${i}`, headers: [['h1', 'one'], ['h2', ''], ['h1', 'again']] }));
      assert.ok(parts.size >= 2, 'keys spread over several partitions');
      for (const rec of records) {
        assert.equal(rec.timestampType, 'CreateTime', `timestamp type of ${rec.key}`);
        assert.ok(rec.timestamp >= before - 1000 && rec.timestamp <= after + 1000, `timestamp of ${rec.key} (${rec.timestamp}) outside the send window [${before}, ${after}]`);
      }
    },
    java: python,
    'franz-go': python,
    'confluent-kafka-python-2': python,
  },
});
