/**
 * Consumer groups with kafkajs 2.2.4 (unmodified) against a real Tributary process: balanced
 * assignments, exactly-once consumption across a group, eachMessage and eachBatch, rebalance when a
 * member stops, commits surviving kill -9, the admin group APIs, and `__consumer_offsets` read
 * back with a plain consumer and decoded with Kafka's record schemas.
 *
 * The broker runs with group.initial.rebalance.delay.ms=500 (Kafka's default is 3000) so a fresh
 * group forms quickly; everything else is Kafka's defaults.
 */
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { BrokerProcess } from './support/broker-process.js';
import { makeKafka, printKafkajsLogOnFailure } from './support/kafkajs.js';
import { printBrokerLogOnFailure, uniqueTopic, waitFor } from './support/helpers.js';

const { AssignerProtocol } = kafkajs;
const OVERRIDES = { 'group.initial.rebalance.delay.ms': '500' };
const SESSION_TIMEOUT_MS = 10_000;

async function produceKeys(producer: Producer, topic: string, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i += 1000) {
    const messages = [];
    for (let k = i; k < Math.min(to, i + 1000); k++) messages.push({ key: `key-${k}`, value: `value-${k}` });
    await producer.send({ topic, acks: -1, messages });
  }
}

/** topic → partitions from each Stable member's assignment (kafkajs's MemberAssignment encoding). */
async function assignments(admin: Admin, groupId: string): Promise<{ state: string; members: Map<string, number[]> }> {
  const { groups } = await admin.describeGroups([groupId]);
  const g = groups[0];
  assert.ok(g !== undefined);
  const members = new Map<string, number[]>();
  for (const m of g.members) {
    const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
    members.set(m.memberId, Object.values(decoded?.assignment ?? {}).flat().sort((a, b) => a - b));
  }
  return { state: g.state, members };
}

async function waitForStableGroup(admin: Admin, groupId: string, memberCount: number, partitions: number, timeoutMs: number): Promise<Map<string, number[]>> {
  return waitFor(`group ${groupId} Stable with ${memberCount} members covering ${partitions} partitions`, async () => {
    const a = await assignments(admin, groupId);
    if (a.state !== 'Stable' || a.members.size !== memberCount) return null;
    const all = [...a.members.values()].flat();
    return all.length === partitions && new Set(all).size === partitions ? a.members : null;
  }, timeoutMs, 200);
}

describe('compat: consumer groups with kafkajs', function () {
  this.timeout(180_000);
  let broker: BrokerProcess | undefined;
  let kafka: Kafka;
  let log: string[];
  let admin: Admin;
  const consumers: Consumer[] = [];

  before(async () => {
    broker = await BrokerProcess.start({ overrides: OVERRIDES });
    ({ kafka, log } = makeKafka(broker.bootstrap, 'groups-kafkajs'));
    admin = kafka.admin();
    await admin.connect();
  });

  afterEach(async function () {
    printBrokerLogOnFailure(this, broker);
    printKafkajsLogOnFailure(this, log);
    await Promise.all(consumers.splice(0).map((c) => c.disconnect().catch(() => undefined)));
  });

  after(async () => {
    await admin?.disconnect().catch(() => undefined);
    await broker?.cleanup();
  });

  it('3 consumers on 6 partitions: disjoint full assignment, 30,000 messages each consumed once (eachMessage + eachBatch), a stopped member\'s partitions move within the session timeout', async () => {
    const topic = uniqueTopic('groups-balanced');
    const groupId = uniqueTopic('group-balanced');
    await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
    const seen = new Map<string, number>();
    const byConsumer = [0, 0, 0];
    const note = (i: number, key: string): void => {
      seen.set(key, (seen.get(key) ?? 0) + 1);
      byConsumer[i] = (byConsumer[i] ?? 0) + 1;
    };
    for (let i = 0; i < 3; i++) {
      const c = kafka.consumer({ groupId, sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 500, maxWaitTimeInMs: 500 });
      consumers.push(c);
      await c.connect();
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
    const members = await waitForStableGroup(admin, groupId, 3, 6, 30_000);
    for (const parts of members.values()) assert.equal(parts.length, 2, `round robin over 6 partitions gives each of 3 members 2: ${JSON.stringify([...members])}`);

    const producer = kafka.producer();
    await producer.connect();
    await produceKeys(producer, topic, 0, 30_000);
    await waitFor('all 30,000 consumed', () => seen.size === 30_000, 90_000, 200);
    const dupes = [...seen].filter(([, n]) => n !== 1);
    assert.deepEqual(dupes.slice(0, 5), [], 'every message consumed exactly once');
    assert.ok(byConsumer.every((n) => n > 0), `each consumer (eachMessage x2, eachBatch x1) consumed: ${byConsumer.join(',')}`);

    // Stop the eachBatch consumer: its partitions move to the other two within the session timeout.
    const stoppedAt = Date.now();
    await consumers[2]?.disconnect();
    consumers.splice(2, 1);
    const after = await waitForStableGroup(admin, groupId, 2, 6, SESSION_TIMEOUT_MS);
    const tookMs = Date.now() - stoppedAt;
    assert.ok(tookMs < SESSION_TIMEOUT_MS, `rebalanced in ${tookMs} ms`);
    assert.equal(after.size, 2);

    await produceKeys(producer, topic, 30_000, 33_000);
    await waitFor('the 3,000 produced after the rebalance consumed', () => seen.size === 33_000, 60_000, 200);
    assert.deepEqual([...seen].filter(([, n]) => n !== 1).slice(0, 5), [], 'no message consumed twice across the rebalance');
    await producer.disconnect();
  });

  it('admin: listGroups, describeGroups, fetchOffsets, resetOffsets, setOffsets, deleteGroups', async () => {
    const topic = uniqueTopic('groups-admin');
    const groupId = uniqueTopic('group-admin');
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 300 }, (_, i) => ({ key: `key-${i}`, value: `value-${i}`, partition: i % 3 })) });
    await producer.disconnect();

    const c = kafka.consumer({ groupId, sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 500, maxWaitTimeInMs: 500 });
    await c.connect();
    await c.subscribe({ topic, fromBeginning: true });
    let n = 0;
    await c.run({ eachMessage: async () => void n++ });
    await waitFor('300 consumed', () => n === 300, 30_000);
    await waitFor('offsets committed', async () => {
      const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return t?.partitions.every((p) => p.offset === '100');
    }, 15_000);

    const listed = await admin.listGroups();
    assert.deepEqual(listed.groups.filter((g) => g.groupId === groupId), [{ groupId, protocolType: 'consumer' }]);
    const running = (await admin.describeGroups([groupId])).groups[0];
    assert.equal(running?.state, 'Stable');
    assert.equal(running?.members.length, 1);
    await assert.rejects(admin.deleteGroups([groupId]), (e: Error & { groups?: { errorCode: number }[] }) => e.groups?.[0]?.errorCode === 68, 'NON_EMPTY_GROUP while a member runs');
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
    const c2 = kafka.consumer({ groupId, sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 500, maxWaitTimeInMs: 500 });
    consumers.push(c2);
    await c2.connect();
    await c2.subscribe({ topic, fromBeginning: true });
    await c2.run({ eachMessage: async ({ partition, message }) => void (firsts.has(partition) || firsts.set(partition, message.offset)) });
    await waitFor('a message from each partition', () => firsts.size === 3, 30_000);
    assert.deepEqual([...firsts].sort(), [[0, '42'], [1, '7'], [2, '99']]);
    await c2.disconnect();
    consumers.splice(0);

    assert.deepEqual(await admin.deleteGroups([groupId]), [{ groupId, errorCode: 0 }]);
    assert.equal((await admin.listGroups()).groups.some((g) => g.groupId === groupId), false);
    const gone = await admin.fetchOffsets({ groupId, topics: [topic] });
    assert.ok(gone[0]?.partitions.every((p) => p.offset === '-1'), 'a deleted group has no offsets');
    await assert.rejects(admin.deleteGroups([groupId]), (e: Error & { groups?: { errorCode: number }[] }) => e.groups?.[0]?.errorCode === 69, 'GROUP_ID_NOT_FOUND');
  });

  it('__consumer_offsets holds the commits in Kafka\'s key/value format (read with a plain consumer)', async () => {
    const topic = uniqueTopic('groups-offsets-topic');
    const groupId = uniqueTopic('group-offsets-topic');
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    const c = kafka.consumer({ groupId, sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 500, maxWaitTimeInMs: 500 });
    consumers.push(c);
    await c.connect();
    await c.subscribe({ topic, fromBeginning: true });
    await c.run({ eachMessage: async () => undefined });
    await waitForStableGroup(admin, groupId, 1, 2, 30_000);
    // Commits with metadata strings, through the consumer's own API (OffsetCommit).
    await c.commitOffsets([{ topic, partition: 0, offset: '5' }, { topic, partition: 1, offset: '9' }]);
    const fetched = await admin.fetchOffsets({ groupId, topics: [topic] });
    assert.deepEqual(fetched[0]?.partitions.map((p) => [p.partition, p.offset]).sort(), [[0, '5'], [1, '9']]);
    await c.disconnect();
    consumers.splice(0);

    // Read the group's partition of __consumer_offsets from the beginning, as any tool would.
    const partition = (javaStringHashCode(groupId) & 0x7fffffff) % 50;
    const topics = await admin.fetchTopicMetadata({ topics: ['__consumer_offsets'] });
    assert.equal(topics.topics[0]?.partitions.length, 50, 'offsets.topic.num.partitions defaults to 50');
    const end = await admin.fetchTopicOffsets('__consumer_offsets');
    const high = Number(end.find((p) => p.partition === partition)?.high ?? '0');
    assert.ok(high > 0, `partition ${partition} has records`);
    const reader = kafka.consumer({ groupId: uniqueTopic('offsets-reader') });
    consumers.push(reader);
    const records: { key: Buffer; value: Buffer | null; offset: number }[] = [];
    await reader.connect();
    await reader.subscribe({ topic: '__consumer_offsets', fromBeginning: true });
    await reader.run({ eachMessage: async ({ partition: p, message }) => void (p === partition && message.key !== null && records.push({ key: message.key, value: message.value, offset: Number(message.offset) })) });
    await waitFor(`__consumer_offsets-${partition} read to ${high}`, () => records.some((r) => r.offset === high - 1), 30_000);

    const commits = new Map<number, { offset: bigint; metadata: string; version: number }>();
    let sawGroupMetadata = false;
    for (const r of records) {
      const key = decodeKey(r.key);
      if (key.type === 'offset' && key.group === groupId && key.topic === topic && r.value !== null) commits.set(key.partition, decodeOffsetCommitValue(r.value));
      if (key.type === 'group' && key.group === groupId && r.value !== null) {
        const g = decodeGroupMetadataHead(r.value);
        assert.equal(g.protocolType, 'consumer');
        sawGroupMetadata = true;
      }
    }
    assert.ok(sawGroupMetadata, 'a GroupMetadata record for the group');
    assert.equal(commits.get(0)?.offset, 5n);
    assert.equal(commits.get(1)?.offset, 9n);
    assert.equal(commits.get(0)?.version, 3, 'OffsetCommitValue v3, as Kafka 3.x writes');
  });
});

describe('compat: kafkajs group commits survive kill -9', function () {
  this.timeout(120_000);
  let broker: BrokerProcess | undefined;
  let log: string[] = [];

  afterEach(function () {
    printBrokerLogOnFailure(this, broker);
    printKafkajsLogOnFailure(this, log);
  });
  after(async () => broker?.cleanup());

  it('a group resumes from its committed offsets after the broker is killed and restarted, skipping nothing', async () => {
    broker = await BrokerProcess.start({ overrides: OVERRIDES });
    const topic = uniqueTopic('groups-restart');
    const groupId = uniqueTopic('group-restart');
    let k = makeKafka(broker.bootstrap, 'groups-restart-1');
    log = k.log;
    const admin = k.kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    const producer = k.kafka.producer();
    await producer.connect();
    await produceKeys(producer, topic, 0, 1500);
    await producer.disconnect();

    const first = new Set<string>();
    const c1 = k.kafka.consumer({ groupId, sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 500, maxWaitTimeInMs: 500 });
    await c1.connect();
    await c1.subscribe({ topic, fromBeginning: true });
    await c1.run({ eachMessage: async ({ message }) => void first.add(message.key?.toString() ?? '') });
    await waitFor('1500 consumed', () => first.size === 1500, 30_000);
    const committed = await waitFor('all committed', async () => {
      const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const sum = (t?.partitions ?? []).reduce((s, p) => s + Number(p.offset), 0);
      return sum === 1500 ? t?.partitions.map((p) => [p.partition, p.offset]).sort() : null;
    }, 15_000);
    await c1.disconnect();
    await admin.disconnect();

    await broker.kill();
    await broker.restart();

    k = makeKafka(broker.bootstrap, 'groups-restart-2');
    log = k.log;
    const admin2 = k.kafka.admin();
    await admin2.connect();
    const reloaded = await waitFor('offsets readable after restart', async () => {
      const [t] = await admin2.fetchOffsets({ groupId, topics: [topic] });
      return t?.partitions.map((p) => [p.partition, p.offset]).sort();
    }, 15_000);
    assert.deepEqual(reloaded, committed, 'committed offsets survive kill -9');
    const p2 = k.kafka.producer();
    await p2.connect();
    await produceKeys(p2, topic, 1500, 2500);
    await p2.disconnect();

    const second = new Map<string, number>();
    const c2 = k.kafka.consumer({ groupId, sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 500, maxWaitTimeInMs: 500 });
    await c2.connect();
    await c2.subscribe({ topic, fromBeginning: true });
    await c2.run({ eachMessage: async ({ message }) => void second.set(message.key?.toString() ?? '', (second.get(message.key?.toString() ?? '') ?? 0) + 1) });
    await waitFor('the 1000 new messages consumed', () => second.size >= 1000, 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    await c2.disconnect();
    await admin2.disconnect();
    const expected = Array.from({ length: 1000 }, (_, i) => `key-${1500 + i}`);
    assert.deepEqual([...second.keys()].sort(), expected.sort(), 'resumed exactly after the committed offsets: nothing re-read, nothing skipped');
    assert.ok([...second.values()].every((n) => n === 1));
  });
});

// --- Kafka's __consumer_offsets record schemas (records/group-coordinator/*.json), decoded here
// independently of the broker's code, as a monitoring tool would.

function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

class Cursor {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  int16(): number { const v = this.buf.readInt16BE(this.pos); this.pos += 2; return v; }
  int32(): number { const v = this.buf.readInt32BE(this.pos); this.pos += 4; return v; }
  int64(): bigint { const v = this.buf.readBigInt64BE(this.pos); this.pos += 8; return v; }
  string(): string | null {
    const n = this.int16();
    if (n < 0) return null;
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}

type Key = { type: 'offset'; group: string; topic: string; partition: number } | { type: 'group'; group: string } | { type: 'other' };

/** Key: int16 version (0/1 OffsetCommitKey, 2 GroupMetadataKey), then the struct. */
function decodeKey(buf: Buffer): Key {
  const c = new Cursor(buf);
  const version = c.int16();
  if (version === 0 || version === 1) return { type: 'offset', group: c.string() ?? '', topic: c.string() ?? '', partition: c.int32() };
  if (version === 2) return { type: 'group', group: c.string() ?? '' };
  return { type: 'other' };
}

/** OffsetCommitValue v0-v3 (non-flexible): offset, [v3 leaderEpoch], metadata, commitTimestamp, [v1 expireTimestamp]. */
function decodeOffsetCommitValue(buf: Buffer): { offset: bigint; metadata: string; version: number } {
  const c = new Cursor(buf);
  const version = c.int16();
  assert.ok(version <= 3, `OffsetCommitValue v${version}`);
  const offset = c.int64();
  if (version >= 3) c.int32();
  const metadata = c.string() ?? '';
  c.int64();
  if (version === 1) c.int64();
  assert.equal(c.pos, buf.length, 'value fully consumed');
  return { offset, metadata, version };
}

/** GroupMetadataValue v0-v3 head: protocolType, generation, protocol, leader. */
function decodeGroupMetadataHead(buf: Buffer): { protocolType: string; generation: number } {
  const c = new Cursor(buf);
  const version = c.int16();
  assert.ok(version >= 0 && version <= 3, `GroupMetadataValue v${version}`);
  const protocolType = c.string() ?? '';
  return { protocolType, generation: c.int32() };
}
