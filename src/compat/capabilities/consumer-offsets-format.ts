/**
 * `__consumer_offsets` holds a group's commits in Kafka's own key/value formats: a plain client
 * (kafkajs's consumer; a group-less Python consumer reading raw bytes) reads the group's partition
 * of the topic (Java's String.hashCode of the group id modulo the partition count the endpoint's
 * metadata reports), and the records decode with Kafka's schemas (records/group-coordinator/*.json
 * in Kafka's source), independently of the broker's code, as a monitoring tool would: an
 * OffsetCommit record per committed partition with the committed offset, and a GroupMetadata
 * record of protocol type "consumer".
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, type CompatEnv } from '../capability.js';
import type { DriverHandle } from '../clients/java.js';
import { committedList, GROUP_APIS, KAFKAJS_GROUP_CONSUMER, keysOf, pyTimeoutS, waitForStableGroup, type GroupLine } from '../group-steps.js';
import { waitFor } from '../wait.js';

const OFFSETS_TOPIC = '__consumer_offsets';

export default defineCapability({
  id: 'consumer-offsets-format',
  title: '__consumer_offsets in Kafka\'s record format (read with a plain client)',
  order: 230,
  requires: [...GROUP_APIS, { api: ApiKey.Fetch, minVersion: 4 }, { api: ApiKey.DescribeGroups }],
  timeoutMs: 90_000,
  cells: {
    async kafkajs(env, kjs) {
      const topic = await env.createTopic('offsets-format', { partitions: 2 });
      const groupId = env.group('offsets-format');
      const s = kjs.session(env);
      const admin = await s.admin();
      const c = await s.consumer({ groupId, ...KAFKAJS_GROUP_CONSUMER });
      await c.subscribe({ topic, fromBeginning: true });
      await c.run({ eachMessage: async () => undefined });
      await waitForStableGroup(kjs.kafkajs, admin, groupId, 1, 2, env.remainingMs(30_000));
      // Commits through the consumer's own API (OffsetCommit).
      await c.commitOffsets([{ topic, partition: 0, offset: '5' }, { topic, partition: 1, offset: '9' }]);
      const fetched = await admin.fetchOffsets({ groupId, topics: [topic] });
      assert.deepEqual(fetched[0]?.partitions.map((p) => [p.partition, p.offset]).sort(), [[0, '5'], [1, '9']]);
      await c.disconnect();

      // Read the group's partition of __consumer_offsets from the beginning, as any tool would.
      const topics = await admin.fetchTopicMetadata({ topics: [OFFSETS_TOPIC] });
      const count = topics.topics[0]?.partitions.length ?? 0;
      assertOffsetsTopicPartitions(env, count);
      const partition = offsetsPartition(groupId, count);
      const end = await admin.fetchTopicOffsets(OFFSETS_TOPIC);
      const high = Number(end.find((p) => p.partition === partition)?.high ?? '0');
      assert.ok(high > 0, `partition ${partition} has records`);
      const reader = await s.consumer({ groupId: env.group('offsets-reader') });
      const records: RawRecord[] = [];
      await reader.subscribe({ topic: OFFSETS_TOPIC, fromBeginning: true });
      await reader.run({ eachMessage: async ({ partition: p, message }) => void (p === partition && message.key !== null && records.push({ key: message.key, value: message.value, offset: Number(message.offset) })) });
      await waitFor(`${OFFSETS_TOPIC}-${partition} read to ${high}`, () => records.some((r) => r.offset === high - 1), env.remainingMs(30_000));
      await reader.disconnect();
      assertCommitsRecorded(env, records, groupId, topic, [[0, 5n], [1, 9n]]);
    },

    kcat: { notApplicable: 'kcat prints keys and values as text; these records are binary' },
    'confluent-kafka-python': python,
    'kafka-python': python,
    java: python,
    'franz-go': python,
    'confluent-kafka-python-2': python,
  },
});

async function python(env: CompatEnv, py: DriverHandle): Promise<void> {
  const topic = await env.createTopic('offsets-format', { partitions: 2 });
  await py.produce(env, { topic, count: 14, partitions: 2 });
  const group = env.group('offsets-format');
  const lines = await py.command<GroupLine>(env, 'group_consume', { topic, group, expect: 14, timeout_s: pyTimeoutS(env) });
  assert.equal(keysOf(lines).length, 14);
  assert.deepEqual(await committedList(env, group, topic), [[0, 7], [1, 7]]);

  const md = await py.command<{ type: string; partitions?: { id: number }[] }>(env, 'metadata', { topic: OFFSETS_TOPIC });
  const count = md.find((l) => l.type === 'metadata')?.partitions?.length ?? 0;
  assertOffsetsTopicPartitions(env, count);
  const partition = offsetsPartition(group, count);
  const raw = await py.command<{ type: string; offset?: number; key?: string | null; value?: string | null }>(
    env, 'raw_partition', { topic: OFFSETS_TOPIC, partition, timeout_s: pyTimeoutS(env, 30_000) });
  const records: RawRecord[] = raw.filter((l) => l.type === 'raw' && typeof l.key === 'string').map((l) => ({
    key: Buffer.from(l.key ?? '', 'hex'),
    value: typeof l.value === 'string' ? Buffer.from(l.value, 'hex') : null,
    offset: l.offset ?? -1,
  }));
  assertCommitsRecorded(env, records, group, topic, [[0, 7n], [1, 7n]]);
}

interface RawRecord {
  readonly key: Buffer;
  readonly value: Buffer | null;
  readonly offset: number;
}

/** The partition count the endpoint reports; on the broker the run started, its configured count (Kafka's default 50). */
function assertOffsetsTopicPartitions(env: CompatEnv, count: number): void {
  assert.ok(count > 0, `${OFFSETS_TOPIC} has no partitions in metadata`);
  if (env.controlled !== undefined) {
    const configured = Number(env.controlled.config['offsets.topic.num.partitions'] ?? '50');
    assert.equal(count, configured, `offsets.topic.num.partitions is ${configured}`);
  }
}

/**
 * Kafka's GroupMetadataManager.partitionFor(groupId): Utils.abs(groupId.hashCode) % partition count.
 * Utils.abs is Math.abs except Integer.MIN_VALUE → 0; not `hash & 0x7fffffff` (the producer
 * partitioner's toPositive), which differs for every negative hash.
 */
function offsetsPartition(group: string, count: number): number {
  const h = javaStringHashCode(group);
  return (h === -2147483648 ? 0 : Math.abs(h)) % count;
}

/** The group's OffsetCommit records carry the committed offsets (the latest per partition); a GroupMetadata record says "consumer". */
function assertCommitsRecorded(env: CompatEnv, records: readonly RawRecord[], group: string, topic: string, expected: readonly (readonly [number, bigint])[]): void {
  const commits = new Map<number, { offset: bigint; metadata: string; version: number }>();
  const groupRecords: { offset: number; hex: string; protocolType: string; generation: number }[] = [];
  for (const r of [...records].sort((a, b) => a.offset - b.offset)) {
    const key = decodeKey(r.key);
    if (key.type === 'offset' && key.group === group && key.topic === topic && r.value !== null) commits.set(key.partition, decodeOffsetCommitValue(r.value));
    if (key.type === 'group' && key.group === group && r.value !== null) {
      groupRecords.push({ offset: r.offset, hex: r.value.toString('hex').slice(0, 80), ...decodeGroupMetadataHead(r.value) });
    }
  }
  // Kafka 4 first records the new, empty group (generation 0, no protocol type yet); every generation
  // the members formed is of protocol type "consumer".
  const formed = groupRecords.filter((g) => g.generation > 0);
  assert.ok(formed.length > 0, `a GroupMetadata record of a generation of the group: ${JSON.stringify(groupRecords)}`);
  assert.ok(formed.every((g) => g.protocolType === 'consumer'), `GroupMetadata records of protocol type "consumer": ${JSON.stringify(groupRecords)}`);
  for (const [p, offset] of expected) assert.equal(commits.get(p)?.offset, offset, `the OffsetCommit record of ${topic}-${p}`);
  // v3 carries the leader epoch (Kafka 3.x writes it); Kafka 4 writes v4, the flexible version with the topic id as a tagged field.
  if (env.controlled !== undefined) assert.ok((commits.get(expected[0]?.[0] ?? 0)?.version ?? 0) >= 3, 'OffsetCommitValue v3 or later, as Kafka 3.x and 4.x write');
}

// --- Kafka's __consumer_offsets record schemas, decoded here independently of the broker's code.

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
  uvarint(): number {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = this.buf.readUInt8(this.pos++);
      v += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return v;
    }
  }
  /** A string: int16 length (classic) or uvarint length + 1 (flexible, compact); null when negative / 0. */
  string(compact = false): string | null {
    const n = compact ? this.uvarint() - 1 : this.int16();
    if (n < 0) return null;
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  /** Skips a tagged-field section (flexible versions). */
  taggedFields(): void {
    const n = this.uvarint();
    for (let i = 0; i < n; i++) {
      this.uvarint();
      // Read the size before adding it: `this.pos += this.uvarint()` would add to the position from before the size.
      const size = this.uvarint();
      this.pos += size;
    }
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

/** OffsetCommitValue v0-v4 (v4+ flexible): offset, [v3+ leaderEpoch], metadata, commitTimestamp, [v1 expireTimestamp]. */
function decodeOffsetCommitValue(buf: Buffer): { offset: bigint; metadata: string; version: number } {
  const c = new Cursor(buf);
  const version = c.int16();
  assert.ok(version >= 0 && version <= 4, `OffsetCommitValue v${version}`);
  const flexible = version >= 4;
  const offset = c.int64();
  if (version >= 3) c.int32();
  const metadata = c.string(flexible) ?? '';
  c.int64();
  if (version === 1) c.int64();
  if (flexible) c.taggedFields();
  assert.equal(c.pos, buf.length, `OffsetCommitValue v${version} fully consumed: ${buf.toString('hex')}`);
  return { offset, metadata, version };
}

/** GroupMetadataValue v0-v4 head (v4+ flexible): protocolType, generation. */
function decodeGroupMetadataHead(buf: Buffer): { protocolType: string; generation: number } {
  const c = new Cursor(buf);
  const version = c.int16();
  assert.ok(version >= 0 && version <= 4, `GroupMetadataValue v${version}`);
  const protocolType = c.string(version >= 4) ?? '';
  return { protocolType, generation: c.int32() };
}
