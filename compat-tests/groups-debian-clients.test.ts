/**
 * Consumer groups with the Debian-packaged clients (run unmodified): confluent-kafka-python and
 * kcat -G (librdkafka) subscribe, consume, commit, close, and a new consumer of the group resumes
 * from the committed offsets; kafka-python consumes and commits in a group; a static member
 * (group.instance.id, KIP-345, librdkafka) restarts within the session timeout and gets its
 * assignment back without the other member rebalancing, and an impostor with the same instance id
 * fences the running one (FENCED_INSTANCE_ID). kafkajs 2.2.4 cannot set group.instance.id (its
 * consumer never sends one), so static membership is shown with librdkafka.
 *
 * Each suite skips with a message when its client is missing, and fails instead under CI=true.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import { BrokerProcess, REPO_ROOT } from './support/broker-process.js';
import { makeKafka } from './support/kafkajs.js';
import { assertRanOk, parseJsonLines, printBrokerLogOnFailure, PYTHON, requireClient, runProcess, uniqueTopic, waitFor } from './support/helpers.js';

const DRIVER = join(REPO_ROOT, 'compat-tests', 'groups', 'group_clients.py');
const OVERRIDES = { 'group.initial.rebalance.delay.ms': '500' };

interface Line { type: string; partition?: number; offset?: number; key?: string; partitions?: number[]; offsets?: [number, number, string | null][]; count?: number; error?: string; code?: string; fatal?: boolean; t?: number }

async function driver(cmd: string, args: Record<string, unknown>, timeoutMs = 90_000): Promise<Line[]> {
  const r = await runProcess(PYTHON, [DRIVER, cmd, JSON.stringify(args)], { timeoutMs });
  assertRanOk(r);
  return parseJsonLines<Line>(r.stdout);
}

async function produce(kafka: Kafka, topic: string, from: number, to: number): Promise<void> {
  const p = kafka.producer();
  await p.connect();
  await p.send({ topic, acks: -1, messages: Array.from({ length: to - from }, (_, i) => ({ key: `key-${from + i}`, value: `value-${from + i}`, partition: (from + i) % 3 })) });
  await p.disconnect();
}

async function committed(admin: Admin, groupId: string, topic: string): Promise<number[][]> {
  const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (t?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]).sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
}

function keysOf(lines: readonly Line[]): string[] {
  return lines.filter((l) => l.type === 'record').map((l) => l.key ?? '').sort();
}

function range(from: number, to: number): string[] {
  return Array.from({ length: to - from }, (_, i) => `key-${from + i}`).sort();
}

describe('compat: consumer groups with the Debian clients', function () {
  this.timeout(240_000);
  let broker: BrokerProcess | undefined;
  let kafka: Kafka;
  let admin: Admin;

  before(async () => {
    broker = await BrokerProcess.start({ overrides: OVERRIDES });
    ({ kafka } = makeKafka(broker.bootstrap, 'groups-debian'));
    admin = kafka.admin();
    await admin.connect();
  });
  afterEach(function () {
    printBrokerLogOnFailure(this, broker);
  });
  after(async () => {
    await admin?.disconnect().catch(() => undefined);
    await broker?.cleanup();
  });

  async function topicWith(prefix: string, count: number): Promise<string> {
    const topic = uniqueTopic(prefix);
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await produce(kafka, topic, 0, count);
    return topic;
  }

  describe('confluent-kafka-python', () => {
    before(function () {
      requireClient(this, 'confluent-kafka-python');
    });

    it('subscribes, consumes, commits, closes; a new consumer of the group resumes from the commits', async () => {
      const topic = await topicWith('groups-confluent', 300);
      const groupId = uniqueTopic('group-confluent');
      const bootstrap = broker?.bootstrap;
      const first = await driver('confluent_consume', { bootstrap, topic, group: groupId, expect: 300 });
      assert.deepEqual(keysOf(first), range(0, 300));
      assert.deepEqual(first.find((l) => l.type === 'assign')?.partitions, [0, 1, 2]);
      assert.deepEqual(await committed(admin, groupId, topic), [[0, 100], [1, 100], [2, 100]]);
      await produce(kafka, topic, 300, 450);
      const second = await driver('confluent_consume', { bootstrap, topic, group: groupId, expect: 150 });
      assert.deepEqual(keysOf(second), range(300, 450), 'resumed after the committed offsets');
      assert.deepEqual(await committed(admin, groupId, topic), [[0, 150], [1, 150], [2, 150]]);
    });

    it('static membership: a restarted member gets its assignment back without the other rebalancing; an impostor is fenced', async () => {
      const topic = await topicWith('groups-static', 30);
      const groupId = uniqueTopic('group-static');
      const bootstrap = broker?.bootstrap;
      const base = { bootstrap, topic, group: groupId, session_timeout_ms: 10_000 };
      // Member B stays up while member A runs, stops (no LeaveGroup: static), restarts; B ends before
      // A's last incarnation's session (10 s) expires, which would rebalance the group legitimately.
      const b = driver('confluent_static', { ...base, instance: 'static-b', run_s: 21 });
      const a1 = await driver('confluent_static', { ...base, instance: 'static-a', run_s: 8 });
      const a1Assign = a1.filter((l) => l.type === 'assign').at(-1)?.partitions ?? [];
      assert.ok(a1Assign.length > 0, `A got partitions: ${JSON.stringify(a1)}`);
      const described = (await admin.describeGroups([groupId])).groups[0];
      assert.equal(described?.members.length, 2, 'A is still a member after closing: static members do not leave');
      const a2 = driver('confluent_static', { ...base, instance: 'static-a', run_s: 8 });
      // While A's second incarnation runs, an impostor joins with the same instance id.
      await new Promise((r) => setTimeout(r, 4000));
      const impostor = await driver('confluent_static', { ...base, instance: 'static-a', run_s: 4 });
      const a2Lines = await a2;
      const bLines = await b;
      assert.deepEqual(a2Lines.find((l) => l.type === 'assign')?.partitions, a1Assign, 'A gets its assignment back');
      const bAssigns = bLines.filter((l) => l.type === 'assign');
      const bRevokes = bLines.filter((l) => l.type === 'revoke' && (l.partitions?.length ?? 0) > 0);
      assert.equal(bAssigns.filter((l) => (l.partitions?.length ?? 0) > 0).length, 1, `B was assigned once and never rebalanced: ${JSON.stringify(bLines)}`);
      // B's only revoke may be its own final close.
      assert.ok(bRevokes.length <= 1, `B was not revoked while A restarted: ${JSON.stringify(bLines)}`);
      const fenced = a2Lines.some((l) => l.type === 'error' && /FENCED|fenced/.test(`${l.code} ${l.error}`));
      assert.ok(fenced, `the running A is fenced by the impostor: ${JSON.stringify(a2Lines)}; impostor: ${JSON.stringify(impostor)}`);
    });
  });

  describe('kcat -G', () => {
    before(function () {
      requireClient(this, 'kcat');
    });

    it('a balanced consumer consumes and commits; the next one in the group resumes from the commits', async () => {
      const topic = await topicWith('groups-kcat', 300);
      const groupId = uniqueTopic('group-kcat');
      const bootstrap = broker?.bootstrap ?? '';
      const kcat = async (): Promise<string[]> => {
        const r = await runProcess('kcat', ['-b', bootstrap, '-G', groupId, topic, '-e', '-J', '-q',
          '-X', 'auto.offset.reset=earliest', '-X', 'session.timeout.ms=6000', '-X', 'fetch.wait.max.ms=200'], { timeoutMs: 60_000 });
        assertRanOk(r);
        return parseJsonLines<{ key: string }>(r.stdout).map((j) => j.key).sort();
      };
      assert.deepEqual(await kcat(), range(0, 300));
      await waitFor('kcat commits', async () => JSON.stringify(await committed(admin, groupId, topic)) === JSON.stringify([[0, 100], [1, 100], [2, 100]]), 15_000);
      await produce(kafka, topic, 300, 390);
      assert.deepEqual(await kcat(), range(300, 390), 'resumed after the committed offsets');
    });
  });

  describe('kafka-python', () => {
    before(function () {
      requireClient(this, 'kafka-python');
    });

    it('a group consumer consumes and commits', async () => {
      const topic = await topicWith('groups-kafka-python', 120);
      const groupId = uniqueTopic('group-kafka-python');
      const lines = await driver('kafka_python_consume', { bootstrap: broker?.bootstrap, topic, group: groupId, expect: 120 });
      assert.deepEqual(keysOf(lines), range(0, 120));
      assert.deepEqual(lines.find((l) => l.type === 'committed')?.offsets?.map((o) => [o[0], o[1]]), [[0, 40], [1, 40], [2, 40]]);
      assert.deepEqual(await committed(admin, groupId, topic), [[0, 40], [1, 40], [2, 40]]);
    });
  });
});
