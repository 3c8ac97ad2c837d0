/**
 * A deleted topic's committed offsets go with it: a group that committed offset 3 on a topic that
 * is then deleted and created again under the same name has no committed offset on the new topic,
 * so a consumer of the group reads the new topic from its start (Kafka removes a deleted topic's
 * offsets from every group). Found with kafka-consumer-groups --describe (lag -3 against a log end
 * offset of 0) and a console consumer of the group that read nothing.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, NotRunError, type CompatEnv } from '../capability.js';
import type { KafkajsHandle } from '../clients/kafkajs.js';
import type { PythonHandle } from '../clients/python.js';
import { GROUP_APIS, KAFKAJS_GROUP_CONSUMER } from '../group-steps.js';
import { waitFor } from '../wait.js';

const REQUIRES = [...GROUP_APIS, { api: ApiKey.CreateTopics }, { api: ApiKey.DeleteTopics }];

/** Deletes the topic and creates it again (1 partition), retrying while the deletion is still under way. */
async function recreate(env: CompatEnv, kjs: KafkajsHandle, topic: string): Promise<void> {
  const admin = await kjs.session(env).admin();
  await admin.deleteTopics({ topics: [topic], timeout: 30_000 });
  await waitFor(`${topic} to be created again`, async () => {
    try {
      return await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    } catch {
      return false; // TOPIC_ALREADY_EXISTS while Kafka still deletes it
    }
  }, env.remainingMs(30_000), 500);
}

/** The group's committed offset of partition 0 once the topic is gone and back: none (-1). */
async function assertNoCommittedOffset(env: CompatEnv, group: string, topic: string): Promise<void> {
  // Kafka removes the offsets as its brokers learn of the deletion, a moment after DeleteTopics answers.
  await waitFor('no committed offset on the re-created topic', async () => (await env.committedOffsets(group, topic)).get(0) === -1, env.remainingMs(15_000));
}

async function kafkajsCell(env: CompatEnv, kjs: KafkajsHandle): Promise<void> {
  const topic = await env.createTopic('deleted-offsets', { partitions: 1 });
  const group = env.group('deleted-offsets');
  const s = kjs.session(env);
  const admin = await s.admin();
  const producer = await s.producer();
  await producer.send({ topic, acks: -1, messages: [{ value: 'old-0' }, { value: 'old-1' }, { value: 'old-2' }] });
  await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '3' }] });
  const [before] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  assert.equal(before?.partitions[0]?.offset, '3', 'the commit landed');

  await recreate(env, kjs, topic);
  await assertNoCommittedOffset(env, group, topic);
  const [after] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  assert.equal(after?.partitions[0]?.offset, '-1', 'kafkajs sees no committed offset on the re-created topic');

  await producer.send({ topic, acks: -1, messages: [{ value: 'new-0' }, { value: 'new-1' }] });
  const seen: string[] = [];
  const c = await s.consumer({ groupId: group, ...KAFKAJS_GROUP_CONSUMER });
  await c.subscribe({ topic, fromBeginning: true });
  await c.run({ eachMessage: async ({ message }) => void seen.push(`${message.offset}:${message.value?.toString() ?? ''}`) });
  await waitFor('the group to read the re-created topic', () => seen.length >= 2, env.remainingMs(30_000));
  assert.deepEqual(seen, ['0:new-0', '1:new-1'], 'the group reads the new topic from its start');
}

async function pythonCell(env: CompatEnv, py: PythonHandle): Promise<void> {
  const kjs = env.client('kafkajs');
  if (kjs === undefined) throw new NotRunError('deletes and re-creates the topic with kafkajs, which is not installed here');
  const topic = await env.createTopic('deleted-offsets', { partitions: 1 });
  const group = env.group('deleted-offsets');
  await py.produce(env, { topic, count: 3, partitions: 1 });
  const first = await py.command<{ type: string; count?: number }>(env, 'group_consume', { topic, group, expect: 3, idle_s: 20 });
  assert.equal(first.find((l) => l.type === 'closed')?.count, 3, 'the group read and committed the 3 old records');
  assert.equal((await env.committedOffsets(group, topic)).get(0), 3);

  await recreate(env, kjs, topic);
  await assertNoCommittedOffset(env, group, topic);
  await py.produce(env, { topic, count: 2, partitions: 1, start: 100 });
  const again = await py.command<{ type: string; offset?: number; key?: string }>(env, 'group_consume', { topic, group, expect: 2, idle_s: 20 });
  assert.deepEqual(again.filter((l) => l.type === 'record').map((l) => [l.offset, l.key]), [[0, 'key-100'], [1, 'key-101']],
    'the group reads the new topic from its start');
}

export default defineCapability({
  id: 'offsets-of-deleted-topic',
  title: "a deleted topic's committed offsets go with it (a re-created topic is read from its start)",
  order: 240,
  requires: REQUIRES,
  timeoutMs: 90_000,
  cells: {
    kafkajs: kafkajsCell,
    kcat: { notApplicable: 'kcat has no admin API to delete a topic' },
    'confluent-kafka-python': pythonCell,
    'kafka-python': pythonCell,
  },
});
