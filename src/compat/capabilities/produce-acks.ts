/**
 * Produce with acks=0, 1 and all (-1): every acknowledged (and every unacknowledged) write lands,
 * the offsets say so, and the connection stays in sync after a request the broker must not answer.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, type CompatEnv } from '../capability.js';
import { sumHigh } from '../checks.js';
import type { PythonHandle } from '../clients/python.js';
import { consoleConsume, consoleProduce, getOffsets } from '../kafka-cli-steps.js';
import type { DriverHandle } from '../clients/java.js';
import { assertRanOk } from '../process.js';
import { waitFor } from '../wait.js';

const KEYS = (from: number, n: number): string[] => Array.from({ length: n }, (_, i) => `key-${from + i}`);

async function python(env: CompatEnv, py: DriverHandle): Promise<void> {
  const topic = await env.createTopic('acks', { partitions: 1 });
  await py.produce(env, { topic, count: 100, acks: 1, partitions: 1 });
  // With acks=0 the client reports no offsets; only the read-back tells.
  await py.produce(env, { topic, count: 100, acks: 0, partitions: 1, start: 100 });
  const all = await py.produce(env, { topic, count: 100, acks: 'all', partitions: 1, start: 200 });
  assert.deepEqual(all.map((d) => d.offset), Array.from({ length: 100 }, (_, i) => 200 + i), 'acks=all offsets follow the 200 earlier records');
  const records = await py.readAll(env, topic, 300);
  assert.deepEqual(records.map((r) => r.key), KEYS(0, 300));
}

export default defineCapability({
  id: 'produce-acks',
  title: 'produce with acks=0, 1 and all',
  order: 20,
  requires: [{ api: ApiKey.Produce, minVersion: 3 }, { api: ApiKey.ListOffsets, minVersion: 1 }],
  cells: {
    async kafkajs(env, kjs) {
      const s = kjs.session(env);
      const admin = await s.admin();
      const topic = await env.createTopic('acks', { partitions: 1 });
      const p = await s.producer();
      const r1 = await p.send({ topic, acks: 1, messages: Array.from({ length: 50 }, (_, i) => ({ value: `a1-${i}` })) });
      assert.equal(r1[0]?.baseOffset, '0');
      // acks=0: the broker must not answer; kafkajs resolves at once. The writes still land.
      await p.send({ topic, acks: 0, messages: Array.from({ length: 50 }, (_, i) => ({ value: `a0-${i}` })) });
      await waitFor('the acks=0 batch to be visible in ListOffsets', async () => sumHigh(await admin.fetchTopicOffsets(topic)) === 100, env.remainingMs(15_000));
      // The connection is still in sync after the unanswered request.
      const r2 = await p.send({ topic, acks: -1, messages: [{ value: 'after' }] });
      assert.equal(r2[0]?.baseOffset, '100');
    },

    async kcat(env, kcat) {
      const topic = await env.createTopic('acks', { partitions: 1 });
      let next = 0;
      for (const acks of ['1', '0', 'all']) {
        const lines = KEYS(next, 100).map((k) => `${k}:acks-${acks}`);
        next += 100;
        const r = await kcat.run(env, ['-b', env.bootstrap, '-P', '-t', topic, '-p', '0', '-K', ':', '-X', `acks=${acks}`], { input: lines.join('\n') + '\n', timeoutMs: 30_000 });
        assertRanOk(r);
        assert.doesNotMatch(r.stderr, /fail|error/i, `kcat -P acks=${acks} reported: ${r.stderr}`);
      }
      const records = await kcat.readAll(env, topic);
      assert.deepEqual(records.map((r) => r.key), KEYS(0, 300));
      assert.deepEqual(records.map((r) => r.offset), Array.from({ length: 300 }, (_, i) => i));
    },

    'confluent-kafka-python': python,
    'kafka-python': python,

    async 'kafka-cli'(env, cli) {
      const topic = await env.createTopic('acks', { partitions: 1 });
      let next = 0;
      for (const acks of ['1', '0', 'all']) {
        await consoleProduce(env, cli, topic, KEYS(next, 100).map((k) => `${k}:acks-${acks}`), { extra: ['--command-property', `acks=${acks}`] });
        next += 100;
      }
      assert.deepEqual([...await getOffsets(env, cli, topic, -1)], [[0, 300]], 'kafka-get-offsets --time -1');
      const records = await consoleConsume(env, cli, topic, { expect: 300 });
      assert.deepEqual(records.map((r) => r.key), KEYS(0, 300));
      assert.deepEqual(records.map((r) => r.offset), Array.from({ length: 300 }, (_, i) => i));
      assert.deepEqual(records.map((r) => r.value), ['1', '0', 'all'].flatMap((a) => Array<string>(100).fill(`acks-${a}`)));
    },
    java: python,
    'franz-go': python,
    'confluent-kafka-python-2': python,
  },
});
