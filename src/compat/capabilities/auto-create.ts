/**
 * Topic auto-creation: producing to an unknown topic creates it with the broker's num.partitions,
 * and the record is there. Against --bootstrap, the endpoint's auto.create.topics.enable and
 * num.partitions are read with DescribeConfigs first (auto-creation off: not run).
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, NotRunError, type CompatEnv } from '../capability.js';
import { sumHigh } from '../checks.js';
import { consoleConsume, consoleProduce, getOffsets, linesOf, toolOk } from '../kafka-cli-steps.js';
import { assertRanOk } from '../process.js';

/** num.partitions the endpoint auto-creates with; NotRunError when it does not auto-create. */
async function autoCreatePartitions(env: CompatEnv): Promise<number> {
  if (env.controlled !== undefined) return Number(env.controlled.config['num.partitions'] ?? '1');
  const c = await env.brokerConfigs(['auto.create.topics.enable', 'num.partitions']);
  if (c.get('auto.create.topics.enable') !== 'true') throw new NotRunError('the endpoint has auto.create.topics.enable=false');
  return Number(c.get('num.partitions') ?? '1');
}

export default defineCapability({
  id: 'auto-create',
  title: 'topic auto-creation on produce',
  order: 90,
  requires: [{ api: ApiKey.Metadata, minVersion: 4 }, { api: ApiKey.Produce, minVersion: 3 }, { api: ApiKey.DescribeConfigs }],
  cells: {
    async kafkajs(env, kjs) {
      const partitions = await autoCreatePartitions(env);
      const s = kjs.session(env);
      const admin = await s.admin();
      const topic = env.topic('auto');
      const p = await s.producer({ allowAutoTopicCreation: true });
      const res = await p.send({ topic, messages: [{ key: 'k', value: 'auto' }] });
      assert.equal(res[0]?.errorCode, 0);
      const md = await admin.fetchTopicMetadata({ topics: [topic] });
      assert.equal(md.topics[0]?.partitions.length, partitions, `num.partitions=${partitions}`);
      assert.equal(sumHigh(await admin.fetchTopicOffsets(topic)), 1);
    },

    async kcat(env, kcat) {
      const partitions = await autoCreatePartitions(env);
      const topic = env.topic('auto');
      assertRanOk(await kcat.run(env, ['-b', env.bootstrap, '-P', '-t', topic, '-K', ':'], { input: 'k:auto\n', timeoutMs: 30_000 }));
      const md = await kcat.run(env, ['-b', env.bootstrap, '-L', '-J', '-t', topic], { timeoutMs: 30_000 });
      assertRanOk(md);
      const t = (JSON.parse(md.stdout) as { topics: { topic: string; partitions: unknown[] }[] }).topics.find((x) => x.topic === topic);
      assert.equal(t?.partitions.length, partitions, `num.partitions=${partitions}`);
      const records = await kcat.readAll(env, topic);
      assert.deepEqual(records.map((r) => [r.key, r.value]), [['k', 'auto']]);
    },

    async 'kafka-cli'(env, cli) {
      const partitions = await autoCreatePartitions(env);
      const topic = env.topic('auto');
      await consoleProduce(env, cli, topic, ['k:auto']);
      const describe = linesOf(await toolOk(env, cli, 'kafka-topics', ['--bootstrap-server', env.bootstrap, '--describe', '--topic', topic], { timeoutMs: 30_000 }));
      assert.match(describe[0] ?? '', new RegExp(`^Topic: ${topic}\tTopicId: \\S+\tPartitionCount: ${partitions}\t`), `num.partitions=${partitions}`);
      const ends = [...await getOffsets(env, cli, topic, -1)];
      assert.equal(ends.length, partitions);
      const filled = ends.filter(([, o]) => o > 0);
      assert.deepEqual(filled.map(([, o]) => o), [1], `one record in one partition: ${JSON.stringify(ends)}`);
      const records = await consoleConsume(env, cli, topic, { expect: 1, partition: filled[0]?.[0] });
      assert.deepEqual(records.map((r) => [r.key, r.value]), [['k', 'auto']]);
    },

    async java(env, j) {
      const partitions = await autoCreatePartitions(env);
      const topic = env.topic('auto');
      // The Java producer asks for metadata with allow_auto_topic_creation (allow.auto.create.topics=true).
      const lines = await j.command<{ type: string; partitions?: unknown[] }>(env, 'auto_create', { topic }, 45_000);
      assert.equal(lines.find((l) => l.type === 'described')?.partitions?.length, partitions, `num.partitions=${partitions}`);
      const records = await j.readAll(env, topic, 1);
      assert.deepEqual(records.map((r) => [r.key, r.value]), [['k', 'auto']]);
    },
  },
});
