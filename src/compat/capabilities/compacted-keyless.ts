/**
 * A compacted topic (cleanup.policy=compact) refuses records without a key: the batch gets
 * INVALID_RECORD (Kafka's LogValidator), nothing of it is stored, and keyed records still land.
 * Found with kcat: a keyless record was stored at offset 0.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability } from '../capability.js';
import { expectRejectType } from '../checks.js';
import { assertRanOk } from '../process.js';

const COMPACTED = { partitions: 1, configs: { 'cleanup.policy': 'compact' } } as const;

export default defineCapability({
  id: 'compacted-keyless',
  title: 'a compacted topic refuses records without a key (INVALID_RECORD); keyed records land',
  order: 325,
  requires: [{ api: ApiKey.Produce, minVersion: 3 }, { api: ApiKey.CreateTopics }],
  cells: {
    async kafkajs(env, kjs) {
      const topic = await env.createTopic('compact-nokey', COMPACTED);
      const producer = await kjs.session(env).producer({ allowAutoTopicCreation: false });
      await expectRejectType(env, 'a keyless record on a compacted topic', producer.send({ topic, acks: -1, messages: [{ value: 'no key' }] }), 'INVALID_RECORD');
      const [ok] = await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'keyed' }] });
      assert.equal(ok?.baseOffset, '0', 'the refused record took no offset');
    },

    async kcat(env, kcat) {
      const topic = await env.createTopic('compact-nokey', COMPACTED);
      // No -K: the line is the value and the record has no key.
      const refused = await kcat.run(env, ['-b', env.bootstrap, '-P', '-t', topic, '-p', '0', '-X', 'linger.ms=100'], { input: 'no key\n', timeoutMs: 30_000 });
      assert.notEqual(refused.code, 0, 'kcat reports the failed delivery in its exit status');
      assert.match(refused.stderr, /Delivery failed.*(validate record|Invalid record)/i, `kcat: ${refused.stderr}`);
      assertRanOk(await kcat.run(env, ['-b', env.bootstrap, '-P', '-t', topic, '-p', '0', '-K', ':'], { input: 'k:keyed\n', timeoutMs: 30_000 }));
      const records = await kcat.readAll(env, topic);
      assert.deepEqual(records.map((r) => [r.offset, r.key, r.value]), [[0, 'k', 'keyed']], 'only the keyed record is stored, at offset 0');
    },
  },
});
