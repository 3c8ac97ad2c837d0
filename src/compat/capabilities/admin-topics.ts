/**
 * Topic administration: create (and TOPIC_ALREADY_EXISTS on a second create), describe, list,
 * offsets of a fresh topic, delete (and the topic is gone), INVALID_PARTITIONS for 0 partitions,
 * create partitions (grow; a produce lands in the new partition; shrinking is refused).
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, type CompatEnv } from '../capability.js';
import { expectRejectType } from '../checks.js';
import type { PythonHandle } from '../clients/python.js';
import { getOffsets, linesOf, toolFails, toolOk } from '../kafka-cli-steps.js';
import { waitFor } from '../wait.js';

/** A line of the Java driver's topics_admin command. */
interface AdminLine {
  readonly type: string;
  readonly ok?: boolean;
  readonly code?: string;
  readonly partition?: number;
  readonly offset?: number;
  readonly present?: Record<string, boolean>;
  readonly partitions?: { id: number; leader: number; replicas: number[]; isrs: number[] }[];
  readonly offsets?: { partition: number; low: number; high: number }[];
}

/** A line of the franz-go driver's admin_topics command. */
interface GoAdminLine {
  type: string;
  error?: string | null;
  metadata_error?: string | null;
  has?: boolean;
  partitions?: { id: number; leader: number; replicas: number[]; isrs: number[] }[];
  start?: Record<string, number>;
  end?: Record<string, number>;
  partition?: number;
  offset?: number;
}

/** franz-go: kadm CreateTopic, ListTopics, Metadata, ListStart/EndOffsets, DeleteTopic, UpdatePartitions (the driver's admin_topics). */
async function franzGo(env: CompatEnv, fgo: PythonHandle): Promise<void> {
  const topic = env.topic('admin');
  const zero = env.topic('zero');
  const grow = await env.createTopic('parts', { partitions: 3 });
  const lines = await fgo.command<GoAdminLine>(env, 'admin_topics', { topic, name: zero, output: grow }, 60_000);
  const all = (type: string): GoAdminLine[] => lines.filter((l) => l.type === type);
  const one = (type: string): GoAdminLine => {
    const l = all(type)[0];
    assert.ok(l !== undefined, `no ${type} line in ${JSON.stringify(lines)}`);
    return l;
  };
  assert.deepEqual(all('create').map((l) => l.error), [null, 'TOPIC_ALREADY_EXISTS']);
  const [described, described5] = all('described');
  assert.deepEqual(described?.partitions?.map((p) => p.id), [0, 1, 2]);
  for (const p of described?.partitions ?? []) {
    assert.ok(p.replicas.includes(p.leader) && p.isrs.includes(p.leader), `partition ${p.id}: leader ${p.leader} in replicas ${p.replicas} and ISR ${p.isrs}`);
    if (env.controlled !== undefined) assert.deepEqual([p.leader, p.replicas, p.isrs], [env.controlled.nodeId, [env.controlled.nodeId], [env.controlled.nodeId]]);
  }
  assert.deepEqual(all('listed').map((l) => l.has), [true, false], 'ListTopics has the new topic, not the rejected one');
  assert.deepEqual([one('offsets').start, one('offsets').end], [{ 0: 0, 1: 0, 2: 0 }, { 0: 0, 1: 0, 2: 0 }]);
  assert.equal(one('delete').error, null);
  // The driver prints 'gone' once ListTopics stops listing the deleted topic. (A Metadata request
  // for it afterwards is no proof either way: with auto.create.topics.enable, Apache Kafka may
  // already have created it again.)
  assert.equal(all('gone').length, 1, 'ListTopics stops listing the deleted topic');
  assert.equal(one('create_zero').error, 'INVALID_PARTITIONS');
  assert.equal(one('grow').error, null);
  assert.deepEqual(described5?.partitions?.map((p) => p.id), [0, 1, 2, 3, 4]);
  const produced = one('produced');
  assert.deepEqual([produced.partition, produced.offset, produced.end?.['4']], [4, 0, 1]);
  assert.equal(one('shrink').error, 'INVALID_PARTITIONS');
}

export default defineCapability({
  id: 'admin-topics',
  title: 'admin: create, describe, delete topics; create partitions',
  order: 70,
  requires: [
    { api: ApiKey.CreateTopics }, { api: ApiKey.DeleteTopics }, { api: ApiKey.CreatePartitions },
    { api: ApiKey.Metadata, minVersion: 1 }, { api: ApiKey.ListOffsets, minVersion: 1 },
  ],
  // The kafka-cli cell starts a JVM for each of its 13 tool runs.
  timeoutMs: 150_000,
  cells: {
    async kafkajs(env, kjs) {
      const s = kjs.session(env);
      const admin = await s.admin();

      // create, create again, describe, list, offsets, delete
      const topic = env.topic('admin');
      assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] }), true);
      // Creating it again: kafkajs turns TOPIC_ALREADY_EXISTS into `false`.
      assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] }), false,
        'a second createTopics of the same name must fail with TOPIC_ALREADY_EXISTS');
      const md = await waitFor('3 partitions with leaders in metadata', async () => {
        const m = await admin.fetchTopicMetadata({ topics: [topic] });
        return m.topics[0]?.partitions.length === 3 && m.topics[0].partitions.every((p) => p.leader >= 0) ? m : undefined;
      }, env.remainingMs(15_000));
      assert.equal(md.topics.length, 1);
      const t = md.topics[0]!;
      assert.equal(t.name, topic);
      assert.deepEqual(t.partitions.map((p) => p.partitionId).sort(), [0, 1, 2]);
      for (const p of t.partitions) {
        assert.equal(p.partitionErrorCode, 0);
        assert.ok(p.replicas.includes(p.leader) && p.isr.includes(p.leader), `partition ${p.partitionId}: leader ${p.leader} in replicas ${p.replicas} and ISR ${p.isr}`);
        if (env.controlled !== undefined) {
          const id = env.controlled.nodeId;
          assert.equal(p.leader, id, `partition ${p.partitionId} leader`);
          assert.deepEqual(p.replicas, [id]);
          assert.deepEqual(p.isr, [id]);
        }
      }
      assert.ok((await admin.listTopics()).includes(topic), 'listTopics includes the new topic');
      const offsets = await admin.fetchTopicOffsets(topic);
      assert.equal(offsets.length, 3);
      for (const o of offsets) {
        assert.equal(o.low, '0');
        assert.equal(o.high, '0');
      }
      await admin.deleteTopics({ topics: [topic], timeout: 10_000 });
      await waitFor('the deleted topic to leave listTopics', async () => !(await admin.listTopics()).includes(topic), env.remainingMs(15_000));
      // The admin client does not auto-create: metadata for the deleted topic is an error.
      await expectRejectType(env, 'fetchTopicMetadata of a deleted topic',
        admin.fetchTopicMetadata({ topics: [topic] }), 'UNKNOWN_TOPIC_OR_PARTITION');

      // 0 partitions
      const zero = env.topic('zero');
      await expectRejectType(env, 'createTopics numPartitions=0',
        admin.createTopics({ topics: [{ topic: zero, numPartitions: 0 }] }), 'INVALID_PARTITIONS');
      assert.ok(!(await admin.listTopics()).includes(zero), 'the rejected topic must not exist');

      // create partitions
      const grow = await env.createTopic('parts', { partitions: 3 });
      await admin.createPartitions({ topicPartitions: [{ topic: grow, count: 5 }] });
      const md5 = await waitFor('5 partitions in metadata', async () => {
        const m = await admin.fetchTopicMetadata({ topics: [grow] });
        return m.topics[0]?.partitions.length === 5 && m.topics[0].partitions.every((p) => p.leader >= 0) ? m : undefined;
      }, env.remainingMs(15_000));
      assert.deepEqual(md5.topics[0]!.partitions.map((p) => p.partitionId).sort(), [0, 1, 2, 3, 4]);
      const p = await s.producer();
      const res = await p.send({ topic: grow, messages: [{ partition: 4, value: 'into the new partition' }] });
      assert.equal(res[0]?.partition, 4);
      assert.equal(res[0]?.baseOffset, '0');
      const offsets5 = await admin.fetchTopicOffsets(grow);
      assert.equal(offsets5.length, 5);
      assert.equal(offsets5.find((o) => o.partition === 4)?.high, '1');
      await expectRejectType(env, 'createPartitions to fewer partitions',
        admin.createPartitions({ topicPartitions: [{ topic: grow, count: 2 }] }), 'INVALID_PARTITIONS');
    },
    async java(env, j) {
      const topic = env.topic('admin');
      const zero = env.topic('zero');
      const grow = await env.createTopic('parts', { partitions: 3 });
      const lines = await j.command<AdminLine>(env, 'topics_admin', { topic, zero, grow }, 75_000);
      const step = (type: string, nth = 0): AdminLine => {
        const l = lines.filter((x) => x.type === type)[nth];
        assert.ok(l !== undefined, `no ${type} line (#${nth}): ${JSON.stringify(lines).slice(0, 1500)}`);
        return l;
      };
      assert.equal(step('create').ok, true, JSON.stringify(step('create')));
      assert.equal(step('create_again').code, 'TOPIC_ALREADY_EXISTS', 'a second createTopics of the same name');
      const described = step('described').partitions ?? [];
      assert.deepEqual(described.map((p) => p.id), [0, 1, 2]);
      for (const p of described) {
        assert.ok(p.replicas.includes(p.leader) && p.isrs.includes(p.leader), `partition ${p.id}: leader ${p.leader} in replicas ${p.replicas} and ISR ${p.isrs}`);
        if (env.controlled !== undefined) assert.deepEqual([p.leader, p.replicas, p.isrs], [env.controlled.nodeId, [env.controlled.nodeId], [env.controlled.nodeId]]);
      }
      assert.deepEqual(step('listed').present, { [topic]: true }, 'listTopics includes the new topic');
      assert.deepEqual(step('offsets').offsets?.map((o) => [o.partition, o.low, o.high]), [[0, 0, 0], [1, 0, 0], [2, 0, 0]]);
      assert.equal(step('delete').ok, true, JSON.stringify(step('delete')));
      assert.deepEqual(step('listed', 1).present, { [topic]: false }, 'the deleted topic left listTopics');
      assert.equal(step('describe_deleted').code, 'UNKNOWN_TOPIC_OR_PARTITION');

      assert.equal(step('create_zero').code, 'INVALID_PARTITIONS', 'createTopics with 0 partitions');
      assert.deepEqual(step('listed', 2).present, { [zero]: false }, 'the rejected topic must not exist');

      assert.equal(step('grow').ok, true, JSON.stringify(step('grow')));
      assert.deepEqual(step('described', 1).partitions?.map((p) => p.id), [0, 1, 2, 3, 4]);
      assert.deepEqual([step('produced').partition, step('produced').offset], [4, 0], 'a record into the new partition 4');
      assert.equal(step('offsets', 1).offsets?.find((o) => o.partition === 4)?.high, 1);
      assert.equal(step('shrink').code, 'INVALID_PARTITIONS', 'createPartitions to fewer partitions');
    },
    kcat: { notApplicable: 'kcat has no admin API' },

    async 'kafka-cli'(env, cli) {
      const bs = ['--bootstrap-server', env.bootstrap];
      const topics = (args: readonly string[]) => toolOk(env, cli, 'kafka-topics', [...bs, ...args], { timeoutMs: 30_000 });
      const partitionIds = async (topic: string): Promise<number[]> => linesOf(await topics(['--describe', '--topic', topic])).slice(1)
        .map((l) => Number(/\tPartition: (\d+)\tLeader: \d+\t/.exec(l)?.[1] ?? NaN));
      const listed = async (): Promise<string[]> => linesOf(await topics(['--list']));

      const topic = env.topic('admin');
      assert.equal((await topics(['--create', '--topic', topic, '--partitions', '3'])).stdout.trim(), `Created topic ${topic}.`);
      assert.match(await toolFails(env, cli, 'kafka-topics', [...bs, '--create', '--topic', topic, '--partitions', '3']),
        new RegExp(`Error while executing topic command : Topic '${topic}' already exists\\.`));
      const describe = linesOf(await topics(['--describe', '--topic', topic]));
      assert.match(describe[0] ?? '', new RegExp(`^Topic: ${topic}\tTopicId: \\S+\tPartitionCount: 3\t`));
      assert.deepEqual(await partitionIds(topic), [0, 1, 2]);
      assert.ok((await listed()).includes(topic), 'kafka-topics --list includes the new topic');
      assert.deepEqual([...await getOffsets(env, cli, topic, -1)].sort(), [[0, 0], [1, 0], [2, 0]], 'a fresh topic is empty');

      // Grow to 5 partitions; shrinking is refused by the broker (INVALID_PARTITIONS).
      await topics(['--alter', '--topic', topic, '--partitions', '5']);
      assert.deepEqual(await partitionIds(topic), [0, 1, 2, 3, 4]);
      assert.match(await toolFails(env, cli, 'kafka-topics', [...bs, '--alter', '--topic', topic, '--partitions', '2']),
        new RegExp(`The topic ${topic} currently has 5 partition\\(s\\); 2 would not be an increase\\.`));

      await topics(['--delete', '--topic', topic]);
      await waitFor('the deleted topic to leave kafka-topics --list', async () => !(await listed()).includes(topic), env.remainingMs(30_000), 500);
      assert.match(await toolFails(env, cli, 'kafka-topics', [...bs, '--describe', '--topic', topic]),
        new RegExp(`Topic '${topic}' does not exist as expected`));
    },
    'franz-go': franzGo,
  },
});
