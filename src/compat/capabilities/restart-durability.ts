/**
 * Acknowledged records survive a broker restart (SIGTERM, start again on the same log dir and
 * port): the client reads back exactly what was acknowledged. Needs a broker the run controls.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, type CompatEnv } from '../capability.js';
import { readBack, sumHigh } from '../checks.js';
import type { DriverHandle } from '../clients/java.js';
import { assertRanOk } from '../process.js';
import { assertAllInOrder, assertSameAsDelivered } from '../records.js';
import { waitFor } from '../wait.js';

const N = 200;

async function restart(env: CompatEnv): Promise<void> {
  assert.ok(env.restart !== undefined, 'no restart hook');
  await env.restart();
}

async function python(env: CompatEnv, py: DriverHandle): Promise<void> {
  const topic = await env.createTopic('durable', { partitions: 2 });
  const delivered = await py.produce(env, { topic, count: N, acks: 'all' });
  await restart(env);
  assertSameAsDelivered(await py.readAll(env, topic, N), delivered, { src: py.srcTag });
}

export default defineCapability({
  id: 'restart-durability',
  title: 'acknowledged records survive a broker restart',
  order: 900,
  needsRestart: true,
  requires: [{ api: ApiKey.Produce, minVersion: 3 }, { api: ApiKey.Fetch, minVersion: 4 }],
  timeoutMs: 90_000,
  cells: {
    async kafkajs(env, kjs) {
      const topic = await env.createTopic('durable', { partitions: 2 });
      const p = await kjs.session(env, 'tributary-compat-kafkajs-before').producer();
      await p.send({ topic, acks: -1, messages: Array.from({ length: N }, (_, i) => ({ key: `key-${i}`, value: `value-${i}`, headers: { idx: String(i), src: 'kafkajs' } })) });
      await restart(env);
      const admin = await kjs.session(env, 'tributary-compat-kafkajs-after').admin();
      // A broker that has just started may still answer NOT_LEADER_OR_FOLLOWER (retriable) while it
      // loads its partitions; kafkajs's admin does not retry ListOffsets, so the cell does.
      const offsets = await waitFor('the partitions served after the restart', () => admin.fetchTopicOffsets(topic), env.remainingMs(30_000), 250);
      assert.equal(sumHigh(offsets), N, 'high watermarks after the restart');
      const { records } = await readBack(env, 'kafkajs', topic, N);
      assertAllInOrder(records, N, (i) => ({ value: `value-${i}`, headers: [['idx', String(i)], ['src', 'kafkajs']] }));
    },

    async kcat(env, kcat) {
      const topic = await env.createTopic('durable', { partitions: 2 });
      const lines = Array.from({ length: N }, (_, i) => `key-${i}:value-${i}`);
      assertRanOk(await kcat.run(env, ['-b', env.bootstrap, '-P', '-t', topic, '-K', ':', '-X', 'acks=all'], { input: lines.join('\n') + '\n', timeoutMs: 30_000 }));
      await restart(env);
      assertAllInOrder(await kcat.readAll(env, topic), N, (i) => ({ value: `value-${i}`, headers: [] }));
    },

    'confluent-kafka-python': python,
    'kafka-python': python,
    java: python,
    'franz-go': python,
    'confluent-kafka-python-2': python,
  },
});
