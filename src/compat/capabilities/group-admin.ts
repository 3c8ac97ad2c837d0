/**
 * The admin group APIs as kafkajs's admin client uses them: listGroups, describeGroups (Stable with
 * a running member, Empty after it leaves), fetchOffsets, resetOffsets, setOffsets (a new consumer of
 * the group starts from them), deleteGroups (NON_EMPTY_GROUP while a member runs, GROUP_ID_NOT_FOUND
 * once gone, and a deleted group has no offsets).
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, type CompatEnv } from '../capability.js';
import type { PythonHandle } from '../clients/python.js';
import { GROUP_APIS, KAFKAJS_GROUP_CONSUMER, SESSION_TIMEOUT_MS } from '../group-steps.js';
import { consoleConsume, consoleProduce, describeGroupOffsets, groupTable, linesOf, toolOk } from '../kafka-cli-steps.js';
import { waitFor } from '../wait.js';

/** A line of the Java driver's group_admin command. */
interface GroupAdminLine {
  readonly type: string;
  readonly ok?: boolean;
  readonly code?: string;
  readonly count?: number;
  readonly state?: string;
  readonly groups?: { group: string; protocol: string }[];
  readonly members?: { partitions: number[] }[];
  readonly offsets?: number[][];
}

type GroupsError = Error & { groups?: { errorCode: number }[] };

/** A line of the franz-go driver's group_admin command. */
interface FgoGroupLine {
  type: string;
  when?: string;
  count?: number;
  state?: string;
  protocol_type?: string;
  listed_protocol_type?: string;
  members?: number;
  error?: string | null;
  offsets?: number[];
  has?: boolean;
}

/** franz-go: kadm ListGroups, DescribeGroups, DeleteGroup, CommitOffsets, FetchOffsets around a kgo group member (the driver's group_admin). */
async function franzGo(env: CompatEnv, fgo: PythonHandle): Promise<void> {
  const topic = await env.createTopic('group-admin', { partitions: 3 });
  await fgo.produce(env, { topic, count: 300, partitions: 3 });
  const group = env.group('group-admin');
  const lines = await fgo.command<FgoGroupLine>(env, 'group_admin', { topic, group, expect: 300, session_timeout_ms: SESSION_TIMEOUT_MS }, 80_000);
  const line = (type: string, when?: string): FgoGroupLine => {
    const l = lines.find((x) => x.type === type && (when === undefined || x.when === when));
    assert.ok(l !== undefined, `no ${type} ${when ?? ''} line in ${JSON.stringify(lines)}`);
    return l;
  };
  assert.equal(line('consumed').count, 300);
  const running = line('group', 'running');
  assert.deepEqual([running.listed_protocol_type, running.state, running.protocol_type, running.members], ['consumer', 'Stable', 'consumer', 1]);
  assert.equal(line('delete_running').error, 'NON_EMPTY_GROUP', 'DeleteGroups while a member runs');
  assert.deepEqual([line('group', 'left').state, line('group', 'left').members], ['Empty', 0]);
  assert.deepEqual(line('offsets', 'set').offsets, [42, 7, 99]);
  assert.deepEqual(line('first').offsets, [42, 7, 99], 'a new member starts from the offsets set');
  assert.equal(line('delete').error, null);
  assert.equal(line('listed_after_delete').has, false);
  assert.deepEqual(line('offsets', 'after_delete').offsets, [-1, -1, -1], 'a deleted group has no offsets');
  assert.equal(line('delete_again').error, 'GROUP_ID_NOT_FOUND');
}

export default defineCapability({
  id: 'group-admin',
  title: 'admin: list, describe, reset/set offsets of, delete consumer groups',
  order: 210,
  requires: [...GROUP_APIS, { api: ApiKey.ListGroups }, { api: ApiKey.DescribeGroups }, { api: ApiKey.DeleteGroups }],
  // The kafka-cli cell starts a JVM for each of its 14 tool runs.
  timeoutMs: 180_000,
  cells: {
    async kafkajs(env, kjs) {
      const topic = await env.createTopic('group-admin', { partitions: 3 });
      const groupId = env.group('group-admin');
      const s = kjs.session(env);
      const admin = await s.admin();
      const producer = await s.producer();
      await producer.send({ topic, acks: -1, messages: Array.from({ length: 300 }, (_, i) => ({ key: `key-${i}`, value: `value-${i}`, partition: i % 3 })) });

      const c = await s.consumer({ groupId, ...KAFKAJS_GROUP_CONSUMER });
      await c.subscribe({ topic, fromBeginning: true });
      let n = 0;
      await c.run({ eachMessage: async () => void n++ });
      await waitFor('300 consumed', () => n === 300, env.remainingMs(30_000));
      await waitFor('offsets committed', async () => {
        const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
        return t?.partitions.every((p) => p.offset === '100');
      }, env.remainingMs(15_000));

      const listed = await admin.listGroups();
      assert.deepEqual(listed.groups.filter((g) => g.groupId === groupId), [{ groupId, protocolType: 'consumer' }]);
      const running = (await admin.describeGroups([groupId])).groups[0];
      assert.equal(running?.state, 'Stable');
      assert.equal(running?.members.length, 1);
      await assert.rejects(admin.deleteGroups([groupId]), (e: GroupsError) => e.groups?.[0]?.errorCode === 68, 'NON_EMPTY_GROUP while a member runs');
      await c.disconnect();

      assert.equal((await admin.describeGroups([groupId])).groups[0]?.state, 'Empty');
      await admin.resetOffsets({ groupId, topic, earliest: true });
      const reset = await admin.fetchOffsets({ groupId, topics: [topic] });
      // kafkajs commits its "earliest" sentinel (-2) as the offset; Kafka stores and returns it as is.
      assert.deepEqual(reset[0]?.partitions.map((p) => [p.partition, p.offset]).sort(), [[0, '-2'], [1, '-2'], [2, '-2']]);
      await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '42' }, { partition: 1, offset: '7' }, { partition: 2, offset: '99' }] });
      const set = await admin.fetchOffsets({ groupId, topics: [topic] });
      assert.deepEqual(set[0]?.partitions.map((p) => [p.partition, p.offset]).sort(), [[0, '42'], [1, '7'], [2, '99']]);

      // A consumer of the group starts from the offsets set.
      const firsts = new Map<number, string>();
      const c2 = await s.consumer({ groupId, ...KAFKAJS_GROUP_CONSUMER });
      await c2.subscribe({ topic, fromBeginning: true });
      await c2.run({ eachMessage: async ({ partition, message }) => void (firsts.has(partition) || firsts.set(partition, message.offset)) });
      await waitFor('a message from each partition', () => firsts.size === 3, env.remainingMs(30_000));
      assert.deepEqual([...firsts].sort(), [[0, '42'], [1, '7'], [2, '99']]);
      await c2.disconnect();

      assert.deepEqual(await admin.deleteGroups([groupId]), [{ groupId, errorCode: 0 }]);
      assert.equal((await admin.listGroups()).groups.some((g) => g.groupId === groupId), false);
      const gone = await admin.fetchOffsets({ groupId, topics: [topic] });
      assert.ok(gone[0]?.partitions.every((p) => p.offset === '-1'), 'a deleted group has no offsets');
      await assert.rejects(admin.deleteGroups([groupId]), (e: GroupsError) => e.groups?.[0]?.errorCode === 69, 'GROUP_ID_NOT_FOUND');
    },
    async java(env, j) {
      const topic = await env.createTopic('group-admin', { partitions: 3 });
      const group = env.group('group-admin');
      await j.produce(env, { topic, count: 300, partitions: 3 });
      const lines = await j.command<GroupAdminLine>(env, 'group_admin', { topic, group, partitions: 3, expect: 300 }, 80_000);
      const step = (type: string, nth = 0): GroupAdminLine => {
        const l = lines.filter((x) => x.type === type)[nth];
        assert.ok(l !== undefined, `no ${type} line (#${nth}): ${JSON.stringify(lines).slice(0, 2000)}`);
        return l;
      };
      assert.equal(step('consumed').count, 300);
      assert.deepEqual(step('listed').groups?.map((g) => [g.group, g.protocol]), [[group, 'consumer']], 'listGroups shows the consumer group');
      assert.equal(step('described').state, 'Stable');
      assert.deepEqual(step('described').members?.map((m) => m.partitions), [[0, 1, 2]]);
      assert.equal(step('delete_running').code, 'NON_EMPTY_GROUP', 'deleteConsumerGroups while a member runs');
      assert.equal(step('described', 1).state, 'Empty');
      assert.deepEqual(step('described', 1).members, []);
      assert.equal(step('alter_offsets').ok, true, JSON.stringify(step('alter_offsets')));
      assert.deepEqual(step('offsets').offsets, [[0, 42], [1, 7], [2, 99]]);
      assert.deepEqual(step('first_offsets').offsets, [[0, 42], [1, 7], [2, 99]], 'a new member starts from the offsets set');
      assert.equal(step('delete').ok, true, JSON.stringify(step('delete')));
      assert.deepEqual(step('listed', 1).groups, [], 'the deleted group is not listed');
      assert.deepEqual(step('offsets', 1).offsets, [], 'a deleted group has no offsets');
      assert.equal(step('delete_again').code, 'GROUP_ID_NOT_FOUND');
    },
    kcat: { notApplicable: 'kcat has no admin API' },

    async 'kafka-cli'(env, cli) {
      const topic = await env.createTopic('group-admin', { partitions: 3 });
      const group = env.group('group-admin');
      const bs = ['--bootstrap-server', env.bootstrap];
      const groups = (args: readonly string[]) => toolOk(env, cli, 'kafka-consumer-groups', [...bs, ...args], { timeoutMs: 30_000 });
      const listed = async (): Promise<string[]> => linesOf(await groups(['--list']));
      const state = async (): Promise<string[] | undefined> =>
        groupTable((await groups(['--describe', '--group', group, '--state'])).stdout, group, /^GROUP\s+COORDINATOR \(ID\)\s+ASSIGNMENT-STRATEGY\s+STATE\s+#MEMBERS/)[0];
      const reset = async (how: readonly string[]): Promise<string[][]> =>
        groupTable((await groups(['--reset-offsets', '--group', group, '--topic', topic, ...how, '--execute'])).stdout, group, /^GROUP\s+TOPIC\s+PARTITION\s+NEW-OFFSET/)
          .map((c) => [c[2] ?? '', c[3] ?? '']).sort();

      await consoleProduce(env, cli, topic, Array.from({ length: 300 }, (_, i) => `key-${i}:value-${i}`));
      assert.equal((await consoleConsume(env, cli, topic, { expect: 300, group })).length, 300);

      // A member that stays: a console consumer without --max-messages (SIGKILLed below, so a short session).
      const member = cli.spawn(env, 'kafka-console-consumer', [...bs, '--topic', topic, '--group', group, '--command-property', 'session.timeout.ms=6000']);
      await waitFor('the console consumer to join (Stable, 1 member)', async () => {
        const d = await env.describeGroup(group);
        return d.state === 'Stable' && d.members.length === 1;
      }, env.remainingMs(60_000), 300);
      assert.ok(!member.exited, 'the console consumer runs');
      assert.ok((await listed()).includes(group), 'kafka-consumer-groups --list includes the group');
      const stable = await state();
      assert.deepEqual([stable?.[3], stable?.[4], stable?.[5]], ['range', 'Stable', '1'], `--describe --state: ${JSON.stringify(stable)}`);
      const busy = await groups(['--delete', '--group', group]);
      assert.match(busy.stdout + busy.stderr, new RegExp(`Group '${group}' could not be deleted due to: org\\.apache\\.kafka\\.common\\.errors\\.GroupNotEmptyException`));

      member.stop();
      await waitFor('the killed member\'s session to expire (Empty)', async () => (await env.describeGroup(group)).state === 'Empty', env.remainingMs(30_000), 300);
      const empty = await state();
      assert.deepEqual([empty?.[4], empty?.[5]], ['Empty', '0'], `--describe --state: ${JSON.stringify(empty)}`);

      assert.deepEqual(await reset(['--to-earliest']), [['0', '0'], ['1', '0'], ['2', '0']]);
      assert.deepEqual(await reset(['--to-offset', '7']), [['0', '7'], ['1', '7'], ['2', '7']]);
      assert.deepEqual(await reset(['--shift-by', '-2']), [['0', '5'], ['1', '5'], ['2', '5']]);
      const rows = await describeGroupOffsets(env, cli, group, topic);
      assert.deepEqual(rows.map((r) => [r.partition, r.current, r.lag, r.consumerId]), rows.map((r) => [r.partition, '5', String(r.logEnd - 5), '-']));

      // A consumer of the group starts from the offsets set: offset 5 of every partition first.
      const resumed = await consoleConsume(env, cli, topic, { expect: 300 - 15, group });
      const firsts = new Map<number, number>();
      for (const r of resumed) if (!firsts.has(r.partition)) firsts.set(r.partition, r.offset);
      assert.deepEqual([...firsts].sort(), [[0, 5], [1, 5], [2, 5]]);

      assert.equal((await groups(['--delete', '--group', group])).stdout.trim(), `Deletion of requested consumer groups ('${group}') was successful.`);
      assert.ok(!(await listed()).includes(group), 'the deleted group is gone from --list');
      const again = await groups(['--delete', '--group', group]);
      assert.match(again.stdout + again.stderr, /GroupIdNotFoundException: The group id does not exist\./);
    },
    'franz-go': franzGo,
  },
});
