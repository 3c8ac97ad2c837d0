/**
 * Consumer groups (the classic protocol): members join, get assignments, consume and commit; a new
 * consumer of the group resumes from the commits. kafkajs: 3 consumers (eachMessage ×2,
 * eachBatch ×1) on 6 partitions share 30,000 messages, each consumed exactly once, and a stopped
 * member's partitions move to the others within the session timeout. kcat -G and
 * confluent-kafka-python (librdkafka): consume, commit, close, the next consumer resumes after the
 * commits. kafka-python: a group consumer consumes and commits.
 */
import assert from 'node:assert/strict';
import type { Consumer } from 'kafkajs';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, type CompatEnv } from '../capability.js';
import type { DriverHandle, JavaHandle } from '../clients/java.js';
import {
  committedList, GROUP_APIS, KAFKAJS_GROUP_CONSUMER, kafkajsProduceKeys, kcatProduceKeys, keyRange, keysOf,
  pyTimeoutS, SESSION_TIMEOUT_MS, waitForStableGroup, type GroupLine, kcatGroupConsume
} from '../group-steps.js';
import { consoleConsume, consoleProduce, describeGroupOffsets, type GroupOffsetRow } from '../kafka-cli-steps.js';
import type { StreamingProcess } from '../process.js';
import { waitFor } from '../wait.js';

const BALANCED_MESSAGES = 30_000;

/** The driver-protocol clients (confluent-kafka-python 1.x and 2.x, java, franz-go): a group consumes and commits, closes; the next member resumes after the commits. */
async function driverCell(env: CompatEnv, py: DriverHandle): Promise<void> {
  const topic = await env.createTopic('ckp-group', { partitions: 3 });
  await py.produce(env, { topic, count: 300, partitions: 3 });
  const group = env.group('ckp-group');
  const first = await py.command<GroupLine>(env, 'group_consume', { topic, group, expect: 300, timeout_s: pyTimeoutS(env) });
  assert.deepEqual(keysOf(first), keyRange(0, 300));
  assert.deepEqual(first.find((l) => l.type === 'assign')?.partitions, [0, 1, 2]);
  assert.deepEqual(await committedList(env, group, topic), [[0, 100], [1, 100], [2, 100]]);
  await py.produce(env, { topic, count: 150, start: 300, partitions: 3 });
  const second = await py.command<GroupLine>(env, 'group_consume', { topic, group, expect: 150, timeout_s: pyTimeoutS(env) });
  assert.deepEqual(keysOf(second), keyRange(300, 450), 'resumed after the committed offsets');
  assert.deepEqual(await committedList(env, group, topic), [[0, 150], [1, 150], [2, 150]]);
}

/**
 * The Java client's rebalance: member A owns all 4 partitions; B joins and they split them; B closes
 * (LeaveGroup) and A gets all 4 back at once, then consumes what is produced to every partition.
 */
async function javaRebalance(env: CompatEnv, j: JavaHandle): Promise<void> {
  const topic = await env.createTopic('java-rebalance', { partitions: 4 });
  const group = env.group('java-rebalance');
  const member = (expect: number, idleS: number): StreamingProcess =>
    j.spawn(env, 'group_consume', { topic, group, expect, idle_s: idleS, timeout_s: pyTimeoutS(env, 110_000), session_timeout_ms: SESSION_TIMEOUT_MS });
  const assigns = (p: StreamingProcess): number[][] => p.lines.map((l) => JSON.parse(l.line) as GroupLine).filter((l) => l.type === 'assign').map((l) => l.partitions ?? []);
  // A stops (commits, closes) after the 40 records produced at the end.
  const a = member(40, 100);
  await a.waitForLine('A owning every partition', (l) => l.includes('"assign"') && l.includes('[0, 1, 2, 3]'), env.remainingMs(30_000));
  const before = assigns(a).length;
  // B leaves (LeaveGroup on close) once it has been idle 12 s (counted from its start).
  const b = member(1_000_000, 12);
  await b.waitForLine('B assigned', (l) => l.includes('"assign"') && !l.includes('[]'), env.remainingMs(30_000));
  await waitFor('A reassigned after B joined', () => assigns(a).length > before, env.remainingMs(10_000), 100);
  const split = [assigns(a).at(-1) ?? [], assigns(b).at(-1) ?? []];
  assert.deepEqual([...split.flat()].sort(), [0, 1, 2, 3], `A and B split the partitions: ${JSON.stringify(split)}`);
  assert.ok(split.every((s) => s.length === 2), `2 partitions each: ${JSON.stringify(split)}`);
  await b.waitForLine('B closed', (l) => l.includes('"closed"'), env.remainingMs(30_000));
  const leftAt = Date.now();
  await a.waitForLine('A owning every partition again', (l) => l.includes('"assign"') && l.includes('[0, 1, 2, 3]') && assigns(a).length > before + 1, env.remainingMs(SESSION_TIMEOUT_MS));
  assert.ok(Date.now() - leftAt < SESSION_TIMEOUT_MS, 'B\'s LeaveGroup rebalanced at once, not after its session timeout');
  await j.produce(env, { topic, count: 40, partitions: 4 });
  await a.waitForLine('A closed after its 40 records', (l) => l.includes('"closed"'), env.remainingMs(30_000));
  assert.equal(a.lines.filter((l) => l.line.includes('"record"')).length, 40);
}

export default defineCapability({
  id: 'consumer-groups',
  title: 'consumer groups: join, assignment, commit, resume, rebalance',
  order: 200,
  requires: [...GROUP_APIS, { api: ApiKey.DescribeGroups }],
  timeoutMs: 120_000,
  cells: {
    async kafkajs(env, kjs) {
      const topic = await env.createTopic('balanced', { partitions: 6 });
      const groupId = env.group('balanced');
      const s = kjs.session(env);
      const admin = await s.admin();
      const seen = new Map<string, number>();
      const byConsumer = [0, 0, 0];
      const note = (i: number, key: string): void => {
        seen.set(key, (seen.get(key) ?? 0) + 1);
        byConsumer[i] = (byConsumer[i] ?? 0) + 1;
      };
      const consumers: Consumer[] = [];
      for (let i = 0; i < 3; i++) {
        const c = await s.consumer({ groupId, ...KAFKAJS_GROUP_CONSUMER });
        consumers.push(c);
        await c.subscribe({ topic, fromBeginning: true });
        if (i < 2) {
          await c.run({ eachMessage: async ({ message }) => note(i, message.key?.toString() ?? '') });
        } else {
          await c.run({
            eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
              for (const m of batch.messages) {
                note(i, m.key?.toString() ?? '');
                resolveOffset(m.offset);
              }
              await heartbeat();
            },
          });
        }
      }
      const members = await waitForStableGroup(kjs.kafkajs, admin, groupId, 3, 6, env.remainingMs(30_000));
      for (const parts of members.values()) assert.equal(parts.length, 2, `round robin over 6 partitions gives each of 3 members 2: ${JSON.stringify([...members])}`);

      const producer = await s.producer();
      await kafkajsProduceKeys(producer, topic, 0, BALANCED_MESSAGES);
      await waitFor(`all ${BALANCED_MESSAGES} consumed`, () => seen.size === BALANCED_MESSAGES, env.remainingMs(90_000), 200);
      const dupes = [...seen].filter(([, n]) => n !== 1);
      assert.deepEqual(dupes.slice(0, 5), [], 'every message consumed exactly once');
      assert.ok(byConsumer.every((n) => n > 0), `each consumer (eachMessage x2, eachBatch x1) consumed: ${byConsumer.join(',')}`);

      // Stop the eachBatch consumer: its partitions move to the other two within the session timeout.
      const stoppedAt = Date.now();
      await consumers[2]?.disconnect();
      const after = await waitForStableGroup(kjs.kafkajs, admin, groupId, 2, 6, SESSION_TIMEOUT_MS);
      const tookMs = Date.now() - stoppedAt;
      assert.ok(tookMs < SESSION_TIMEOUT_MS, `rebalanced in ${tookMs} ms`);
      assert.equal(after.size, 2);

      await kafkajsProduceKeys(producer, topic, BALANCED_MESSAGES, BALANCED_MESSAGES + 3_000);
      await waitFor('the 3,000 produced after the rebalance consumed', () => seen.size === BALANCED_MESSAGES + 3_000, env.remainingMs(60_000), 200);
      assert.deepEqual([...seen].filter(([, n]) => n !== 1).slice(0, 5), [], 'no message consumed twice across the rebalance');
    },

    async kcat(env, kcat) {
      const topic = await env.createTopic('kcat-group', { partitions: 3 });
      await kcatProduceKeys(env, kcat, topic, 0, 300, 3);
      const group = env.group('kcat-group');
      const consume = (): Promise<string[]> => kcatGroupConsume(env, kcat, group, topic);
      assert.deepEqual(await consume(), keyRange(0, 300));
      await waitFor('kcat commits', async () => JSON.stringify(await committedList(env, group, topic)) === JSON.stringify([[0, 100], [1, 100], [2, 100]]), env.remainingMs(15_000));
      await kcatProduceKeys(env, kcat, topic, 300, 390, 3);
      assert.deepEqual(await consume(), keyRange(300, 390), 'resumed after the committed offsets');
    },

    'confluent-kafka-python': driverCell,
    async java(env, j) {
      await driverCell(env, j);
      await javaRebalance(env, j);
    },
    'franz-go': driverCell,
    'confluent-kafka-python-2': driverCell,

    async 'kafka-python'(env, py) {
      const topic = await env.createTopic('kp-group', { partitions: 3 });
      await py.produce(env, { topic, count: 120, partitions: 3 });
      const group = env.group('kp-group');
      const lines = await py.command<GroupLine>(env, 'group_consume', { topic, group, expect: 120, timeout_s: pyTimeoutS(env) });
      assert.deepEqual(keysOf(lines), keyRange(0, 120));
      assert.deepEqual(lines.find((l) => l.type === 'committed')?.offsets?.map((o) => [o[0], o[1]]), [[0, 40], [1, 40], [2, 40]]);
      assert.deepEqual(await committedList(env, group, topic), [[0, 40], [1, 40], [2, 40]]);
    },

    async 'kafka-cli'(env, cli) {
      const topic = await env.createTopic('cli-group', { partitions: 3 });
      const produce = (from: number, to: number) => consoleProduce(env, cli, topic, keyRange(from, to).map((k) => `${k}:v`), { extra: ['--command-property', 'acks=all'] });
      const group = env.group('cli-group');
      const consume = async (expect: number): Promise<string[]> =>
        (await consoleConsume(env, cli, topic, { expect, group })).map((r) => r.key ?? '').sort();
      /** Per partition [current, log end, lag] as kafka-consumer-groups --describe prints them. */
      const described = (rows: readonly GroupOffsetRow[]) => rows.map((r) => [r.partition, r.current, r.logEnd, r.lag]);

      await produce(0, 300);
      assert.deepEqual(await consume(300), keyRange(0, 300));
      // The console consumer commits what it consumed when it closes: no lag left.
      const after = await describeGroupOffsets(env, cli, group, topic);
      assert.deepEqual(after.map((r) => r.partition), [0, 1, 2]);
      assert.deepEqual(described(after), after.map((r) => [r.partition, String(r.logEnd), r.logEnd, '0']), 'committed up to the log end, lag 0');
      assert.equal(after.reduce((s, r) => s + r.logEnd, 0), 300);
      assert.deepEqual(await committedList(env, group, topic), after.map((r) => [r.partition, r.logEnd]), 'the endpoint reports the offsets the tool shows');

      await produce(300, 390);
      const lagging = await describeGroupOffsets(env, cli, group, topic);
      assert.deepEqual(described(lagging), lagging.map((r, i) => {
        const committed = after[i]?.logEnd ?? 0;
        return [r.partition, String(committed), r.logEnd, String(r.logEnd - committed)];
      }), 'the new records show as lag');
      assert.equal(lagging.reduce((s, r) => s + Number(r.lag), 0), 90);
      assert.deepEqual(await consume(90), keyRange(300, 390), 'resumed after the committed offsets');
      const caughtUp = await describeGroupOffsets(env, cli, group, topic);
      assert.deepEqual(described(caughtUp), caughtUp.map((r) => [r.partition, String(r.logEnd), r.logEnd, '0']));
    },
  },
});
