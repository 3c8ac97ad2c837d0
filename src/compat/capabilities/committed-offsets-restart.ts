/**
 * Committed offsets survive a broker kill -9: a group commits, the broker is SIGKILLed and started
 * again on the same log dir and port, the endpoint reports the same committed offsets, and the
 * group resumes exactly after them (nothing re-read, nothing skipped). Needs a broker the run
 * controls.
 */
import assert from 'node:assert/strict';
import { defineCapability, type CompatEnv } from '../capability.js';
import type { DriverHandle } from '../clients/java.js';
import {
  committedList, GROUP_APIS, KAFKAJS_GROUP_CONSUMER, kafkajsProduceKeys, kcatProduceKeys, keyRange, keysOf, pyTimeoutS, type GroupLine, kcatGroupConsume
} from '../group-steps.js';
import { sleep, waitFor } from '../wait.js';

async function killAndRestart(env: CompatEnv): Promise<void> {
  assert.ok(env.restart !== undefined, 'no restart hook');
  await env.restart({ kill: true });
}

/** After the restart: the endpoint reports `expected` (once the coordinator has loaded the group). */
async function assertCommittedAfterRestart(env: CompatEnv, group: string, topic: string, expected: number[][]): Promise<void> {
  const reloaded = await waitFor('offsets readable after the restart', async () => {
    const c = await committedList(env, group, topic);
    return c.length > 0 ? c : null;
  }, env.remainingMs(15_000));
  assert.deepEqual(reloaded, expected, 'committed offsets survive kill -9');
}

async function python(env: CompatEnv, py: DriverHandle): Promise<void> {
  const topic = await env.createTopic('commits-restart', { partitions: 3 });
  await py.produce(env, { topic, count: 300, partitions: 3 });
  const group = env.group('commits-restart');
  const first = await py.command<GroupLine>(env, 'group_consume', { topic, group, expect: 300, timeout_s: pyTimeoutS(env) });
  assert.deepEqual(keysOf(first), keyRange(0, 300));
  assert.deepEqual(await committedList(env, group, topic), [[0, 100], [1, 100], [2, 100]]);
  await killAndRestart(env);
  await assertCommittedAfterRestart(env, group, topic, [[0, 100], [1, 100], [2, 100]]);
  await py.produce(env, { topic, count: 150, start: 300, partitions: 3 });
  const second = await py.command<GroupLine>(env, 'group_consume', { topic, group, expect: 150, timeout_s: pyTimeoutS(env) });
  assert.deepEqual(keysOf(second), keyRange(300, 450), 'resumed exactly after the committed offsets');
}

export default defineCapability({
  id: 'committed-offsets-restart',
  title: 'committed offsets survive a broker kill -9; the group resumes after them',
  order: 910,
  needsRestart: true,
  requires: [...GROUP_APIS],
  timeoutMs: 90_000,
  cells: {
    async kafkajs(env, kjs) {
      const topic = await env.createTopic('commits-restart', { partitions: 3 });
      const groupId = env.group('commits-restart');
      const s1 = kjs.session(env, 'tributary-compat-kafkajs-before');
      await kafkajsProduceKeys(await s1.producer(), topic, 0, 1500);
      const admin = await s1.admin();
      const first = new Set<string>();
      const c1 = await s1.consumer({ groupId, ...KAFKAJS_GROUP_CONSUMER });
      await c1.subscribe({ topic, fromBeginning: true });
      await c1.run({ eachMessage: async ({ message }) => void first.add(message.key?.toString() ?? '') });
      await waitFor('1500 consumed', () => first.size === 1500, env.remainingMs(30_000));
      const committed = await waitFor('all committed', async () => {
        const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
        const sum = (t?.partitions ?? []).reduce((n, p) => n + Number(p.offset), 0);
        return sum === 1500 ? t?.partitions.map((p) => [p.partition, Number(p.offset)]).sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0)) : null;
      }, env.remainingMs(15_000));
      await c1.disconnect();

      await killAndRestart(env);

      const s2 = kjs.session(env, 'tributary-compat-kafkajs-after');
      const admin2 = await s2.admin();
      const reloaded = await waitFor('offsets readable after the restart', async () => {
        const [t] = await admin2.fetchOffsets({ groupId, topics: [topic] });
        return t?.partitions.map((p) => [p.partition, Number(p.offset)]).sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
      }, env.remainingMs(15_000));
      assert.deepEqual(reloaded, committed, 'committed offsets survive kill -9');
      await kafkajsProduceKeys(await s2.producer(), topic, 1500, 2500);
      const second = new Map<string, number>();
      const c2 = await s2.consumer({ groupId, ...KAFKAJS_GROUP_CONSUMER });
      await c2.subscribe({ topic, fromBeginning: true });
      await c2.run({ eachMessage: async ({ message }) => void second.set(message.key?.toString() ?? '', (second.get(message.key?.toString() ?? '') ?? 0) + 1) });
      await waitFor('the 1000 new messages consumed', () => second.size >= 1000, env.remainingMs(30_000));
      await sleep(1000);
      await c2.disconnect();
      assert.deepEqual([...second.keys()].sort(), keyRange(1500, 2500), 'resumed exactly after the committed offsets: nothing re-read, nothing skipped');
      assert.ok([...second.values()].every((n) => n === 1));
    },

    async kcat(env, kcat) {
      const topic = await env.createTopic('commits-restart', { partitions: 3 });
      await kcatProduceKeys(env, kcat, topic, 0, 300, 3);
      const group = env.group('commits-restart');
      const consume = (): Promise<string[]> => kcatGroupConsume(env, kcat, group, topic);
      assert.deepEqual(await consume(), keyRange(0, 300));
      await waitFor('kcat commits', async () => JSON.stringify(await committedList(env, group, topic)) === JSON.stringify([[0, 100], [1, 100], [2, 100]]), env.remainingMs(15_000));
      await killAndRestart(env);
      await assertCommittedAfterRestart(env, group, topic, [[0, 100], [1, 100], [2, 100]]);
      await kcatProduceKeys(env, kcat, topic, 300, 390, 3);
      assert.deepEqual(await consume(), keyRange(300, 390), 'resumed exactly after the committed offsets: nothing re-read, nothing skipped');
    },

    'confluent-kafka-python': python,
    'kafka-python': python,
    java: python,
    'franz-go': python,
    'confluent-kafka-python-2': python,
  },
});
