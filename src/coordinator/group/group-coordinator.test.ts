import assert from 'node:assert/strict';
import { ManualClock, settle } from '../../testing/manual-clock.js';
import { silentLogger } from '../../util/logger.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { CoordinatorLog } from '../runtime.js';
import { GroupCoordinator, type GroupConfig, type JoinRequest, type JoinResult } from './group-coordinator.js';
import { decodeGroupRecordKey, decodeOffsetValue, groupMetadataRecord, javaStringHashCode, offsetCommitRecord, offsetsPartitionFor } from './records.js';

/** An in-memory partition: batches in order, baseOffset patched on append. */
class MemoryLog implements CoordinatorLog {
  batches: Buffer[] = [];
  end = 0;
  gate: Promise<void> = Promise.resolve();
  get logStartOffset(): number {
    return 0;
  }
  get highWatermark(): number {
    return this.end;
  }
  get logEndOffset(): number {
    return this.end;
  }
  async read(offset: number): Promise<Buffer | null> {
    await this.gate;
    const out: Buffer[] = [];
    for (const b of this.batches) {
      const base = Number(b.readBigInt64BE(0));
      const last = base + b.readInt32BE(23);
      if (last >= offset) out.push(b);
    }
    return Buffer.concat(out);
  }
  async append(batch: Buffer): Promise<{ baseOffset: number }> {
    const baseOffset = this.end;
    batch.writeBigInt64BE(BigInt(baseOffset), 0);
    this.end += batch.readInt32BE(57);
    this.batches.push(Buffer.from(batch));
    return { baseOffset };
  }
}

const CONFIG: GroupConfig = {
  offsetsTopicNumPartitions: 1,
  initialRebalanceDelayMs: 3000,
  minSessionTimeoutMs: 6000,
  maxSessionTimeoutMs: 1_800_000,
  maxSize: 3,
  offsetsRetentionMs: 7 * 24 * 3600_000,
  offsetsRetentionCheckIntervalMs: 600_000,
  offsetMetadataMaxBytes: 4096,
};

let uuid = 0;
function coordinator(clock: ManualClock, log: MemoryLog, config: Partial<GroupConfig> = {}): GroupCoordinator {
  const c = new GroupCoordinator({
    config: { ...CONFIG, ...config },
    clock,
    logger: silentLogger,
    nodeId: 1,
    newUuid: () => `uuid-${++uuid}`,
    offsetsTopicExists: () => true,
    createOffsetsTopic: async () => undefined,
  });
  c.hostPartition(0, log);
  return c;
}

function join(overrides: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from('m') }],
    requireKnownMemberId: true,
    reason: null,
    ...overrides,
  };
}

/** Tracks a parked promise's answer without awaiting it. */
function track<T>(p: Promise<T>): { value: T | undefined } {
  const box: { value: T | undefined } = { value: undefined };
  void p.then((v) => (box.value = v));
  return box;
}

function isPending(box: { value: unknown }): boolean {
  return box.value === undefined;
}

/** MEMBER_ID_REQUIRED, then the real join; returns the parked join. */
async function joinNew(c: GroupCoordinator, overrides: Partial<JoinRequest> = {}): Promise<{ memberId: string; result: { value: JoinResult | undefined } }> {
  const first = await c.joinGroup(join(overrides));
  assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  const result = track(c.joinGroup(join({ ...overrides, memberId: first.memberId })));
  await settle();
  return { memberId: first.memberId, result };
}

async function stableGroupOfOne(clock: ManualClock, c: GroupCoordinator): Promise<string> {
  const { memberId, result } = await joinNew(c);
  await clock.advance(3000);
  assert.equal(result.value?.errorCode, ErrorCode.NONE);
  const sync = await c.syncGroup({ groupId: 'g', generationId: 1, memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId, assignment: Buffer.from('a1') }] });
  assert.equal(sync.errorCode, ErrorCode.NONE);
  return memberId;
}

describe('group coordinator: records and partitioning', () => {
  it('hashes group ids as Java String.hashCode and Kafka\'s Utils.abs', () => {
    assert.equal(javaStringHashCode('hello'), 99162322);
    assert.equal(javaStringHashCode(''), 0);
    assert.equal(javaStringHashCode('polygenelubricants'), -2147483648);
    assert.equal(offsetsPartitionFor('polygenelubricants', 50), 0, 'Integer.MIN_VALUE maps to 0');
    assert.equal(offsetsPartitionFor('hello', 50), 99162322 % 50);
    assert.equal(offsetsPartitionFor('console-consumer-1', 50), javaStringHashCode('console-consumer-1') % 50);
    // A negative hash: Kafka's Utils.abs negates it (it does not mask the sign bit).
    assert.equal(javaStringHashCode('my-group'), -1906497762);
    assert.equal(offsetsPartitionFor('my-group', 50), 1906497762 % 50);
  });

  it('writes OffsetCommitKey v1 / OffsetCommitValue v3 bytes as Kafka does, and tombstones', () => {
    const r = offsetCommitRecord('g', 't', 7, { offset: 42, leaderEpoch: 3, metadata: 'md', commitTimestampMs: 1000, expireTimestampMs: null });
    assert.deepEqual(r.key, Buffer.from([0, 1, 0, 1, 0x67, 0, 1, 0x74, 0, 0, 0, 7]));
    assert.deepEqual(r.value, Buffer.concat([Buffer.from([0, 3]), Buffer.from([0, 0, 0, 0, 0, 0, 0, 42]), Buffer.from([0, 0, 0, 3]), Buffer.from([0, 2, 0x6d, 0x64]), Buffer.from([0, 0, 0, 0, 0, 0, 0x03, 0xe8])]));
    assert.deepEqual(decodeOffsetValue(r.value as Buffer), { offset: 42, leaderEpoch: 3, metadata: 'md', commitTimestampMs: 1000, expireTimestampMs: null });
    const old = offsetCommitRecord('g', 't', 7, { offset: 1, leaderEpoch: -1, metadata: '', commitTimestampMs: 5, expireTimestampMs: 9 });
    assert.equal(old.value?.readInt16BE(0), 1, 'an explicit retention writes value v1 with the expire timestamp');
    assert.equal(decodeOffsetValue(old.value as Buffer).expireTimestampMs, 9);
    assert.equal(offsetCommitRecord('g', 't', 7, null).value, null);
    assert.deepEqual(decodeGroupRecordKey(r.key), { type: 'offset', group: 'g', topic: 't', partition: 7 });
    const gm = groupMetadataRecord('g', null);
    assert.deepEqual(gm.key, Buffer.from([0, 2, 0, 1, 0x67]));
    assert.deepEqual(decodeGroupRecordKey(gm.key), { type: 'group', group: 'g' });
  });
});

describe('group coordinator: classic group protocol', () => {
  let clock: ManualClock;
  let log: MemoryLog;
  let c: GroupCoordinator;
  beforeEach(async () => {
    clock = new ManualClock();
    log = new MemoryLog();
    c = coordinator(clock, log);
    await c.whenLoaded();
  });
  afterEach(() => c.close());

  it('rebalance_timeout_ms=0: the pending-sync timer expires at once and a later SyncGroup gets UNKNOWN_MEMBER_ID, as Apache Kafka 4.3 does', async () => {
    // Asked of Kafka 4.3.1 (kafkajs with rebalanceTimeout: 0): every SyncGroup after the join got
    // UNKNOWN_MEMBER_ID and the group stayed Empty; Kafka schedules the pending sync with the
    // group's rebalance timeout, 0 ms here, and does not wait for the SyncGroup either.
    const { memberId, result } = await joinNew(c, { rebalanceTimeoutMs: 0 });
    await clock.advance(3000);
    await settle();
    assert.equal(result.value?.errorCode, ErrorCode.NONE, 'the join completes after the initial delay (Kafka does not cap it by the rebalance timeout)');
    await clock.advance(1);
    const sync = await c.syncGroup({ groupId: 'g', generationId: 1, memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId, assignment: Buffer.from('a1') }] });
    assert.equal(sync.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('KIP-394: a new member first gets MEMBER_ID_REQUIRED and an id; v0-v3 joins at once', async () => {
    const r = await c.joinGroup(join());
    assert.equal(r.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    assert.match(r.memberId, /^client-uuid-\d+$/);
    const old = track(c.joinGroup(join({ groupId: 'g2', requireKnownMemberId: false })));
    await clock.advance(3000);
    assert.equal(old.value?.errorCode, ErrorCode.NONE);
    assert.equal(old.value?.generationId, 1);
  });

  it('waits group.initial.rebalance.delay.ms, then gives the leader every member\'s metadata; SyncGroup makes it Stable', async () => {
    const a = await joinNew(c);
    await clock.advance(1000);
    const b = await joinNew(c, { protocols: [{ name: 'range', metadata: Buffer.from('b') }] });
    await clock.advance(1999);
    assert.equal(isPending(a.result), true, 'still inside the initial delay');
    await clock.advance(5000);
    assert.equal(a.result.value?.errorCode, ErrorCode.NONE);
    assert.equal(a.result.value?.generationId, 1);
    assert.equal(a.result.value?.leaderId, a.memberId);
    assert.equal(a.result.value?.protocolName, 'range');
    assert.deepEqual(a.result.value?.members.map((m) => m.memberId).sort(), [a.memberId, b.memberId].sort());
    assert.deepEqual(b.result.value?.members, [], 'followers get no member list');
    assert.equal(c.describeGroup('g').state, 'CompletingRebalance');
    const followerSync = track(c.syncGroup({ groupId: 'g', generationId: 1, memberId: b.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] }));
    await settle();
    assert.equal(isPending(followerSync), true, 'a follower waits for the leader');
    const leaderSync = await c.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [{ memberId: a.memberId, assignment: Buffer.from('A') }, { memberId: b.memberId, assignment: Buffer.from('B') }] });
    await settle();
    assert.deepEqual(leaderSync.assignment, Buffer.from('A'));
    assert.deepEqual(followerSync.value?.assignment, Buffer.from('B'));
    const described = c.describeGroup('g');
    assert.equal(described.state, 'Stable');
    assert.equal(described.protocolData, 'range');
    assert.equal(log.end, 1, 'the leader\'s assignment is one GroupMetadata record');
  });

  it('a join into a stable group rebalances: heartbeats say REBALANCE_IN_PROGRESS, the join completes when all rejoined', async () => {
    const a = await stableGroupOfOne(clock, c);
    const b = await joinNew(c);
    assert.equal(c.describeGroup('g').state, 'PreparingRebalance');
    assert.equal(c.heartbeat('g', a, null, 1), ErrorCode.REBALANCE_IN_PROGRESS);
    assert.equal(c.heartbeat('g', a, null, 7), ErrorCode.ILLEGAL_GENERATION);
    assert.equal(c.heartbeat('g', 'nobody', null, 1), ErrorCode.UNKNOWN_MEMBER_ID);
    const rejoin = track(c.joinGroup(join({ memberId: a })));
    await settle();
    assert.equal(rejoin.value?.generationId, 2, 'completes at once, no initial delay after the first generation');
    assert.equal(b.result.value?.generationId, 2);
    assert.equal(rejoin.value?.members.length, 2);
  });

  it('removes a member whose session expires, and one that does not rejoin within the rebalance timeout', async () => {
    const a = await stableGroupOfOne(clock, c);
    const b = await joinNew(c);
    const rejoin = track(c.joinGroup(join({ memberId: a })));
    await settle();
    await c.syncGroup({ groupId: 'g', generationId: 2, memberId: a, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    await c.syncGroup({ groupId: 'g', generationId: 2, memberId: b.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    assert.equal(rejoin.value?.errorCode, ErrorCode.NONE);
    // a keeps heartbeating, b goes silent.
    for (let i = 0; i < 4; i++) {
      await clock.advance(3000);
      if (c.describeGroup('g').state === 'Stable') assert.equal(c.heartbeat('g', a, null, 2), ErrorCode.NONE);
    }
    assert.equal(c.describeGroup('g').state, 'PreparingRebalance', 'b\'s session expired');
    assert.deepEqual(c.describeGroup('g').members.map((m) => m.memberId), [a]);
    // a never rejoins either: the rebalance timeout (30 s) removes it and the group is Empty.
    await clock.advance(31_000);
    assert.equal(c.describeGroup('g').state, 'Empty');
    assert.equal(c.describeGroup('g').members.length, 0);
  });

  it('LeaveGroup removes members (batched, by instance id too) and reports unknown ones', async () => {
    const a = await stableGroupOfOne(clock, c);
    const r = c.leaveGroup('g', [{ memberId: a, groupInstanceId: null }, { memberId: 'ghost', groupInstanceId: null }, { memberId: '', groupInstanceId: 'nope' }], null);
    assert.deepEqual(r.members.map((m) => m.errorCode), [ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.UNKNOWN_MEMBER_ID]);
    await settle();
    assert.equal(c.describeGroup('g').state, 'Empty');
    assert.deepEqual(c.leaveGroup('missing', [{ memberId: 'x', groupInstanceId: null }], null).members[0]?.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('KIP-345: a static member rejoining a stable group keeps the generation and its assignment; the old id is fenced', async () => {
    const first = track(c.joinGroup(join({ groupInstanceId: 'i-1' })));
    await clock.advance(3000);
    const oldId = first.value?.memberId as string;
    assert.equal(first.value?.errorCode, ErrorCode.NONE, 'static members skip MEMBER_ID_REQUIRED');
    await c.syncGroup({ groupId: 'g', generationId: 1, memberId: oldId, groupInstanceId: 'i-1', protocolType: null, protocolName: null, assignments: [{ memberId: oldId, assignment: Buffer.from('mine') }] });
    const again = await c.joinGroup(join({ groupInstanceId: 'i-1' }));
    assert.equal(again.errorCode, ErrorCode.NONE);
    assert.equal(again.generationId, 1, 'no rebalance');
    assert.notEqual(again.memberId, oldId);
    assert.equal(again.skipAssignment, true, 'the static leader may skip the assignment (KIP-814)');
    const sync = await c.syncGroup({ groupId: 'g', generationId: 1, memberId: again.memberId, groupInstanceId: 'i-1', protocolType: null, protocolName: null, assignments: [] });
    assert.deepEqual(sync.assignment, Buffer.from('mine'));
    assert.equal(c.heartbeat('g', oldId, 'i-1', 1), ErrorCode.FENCED_INSTANCE_ID);
    assert.equal(c.describeGroup('g').state, 'Stable');
  });

  it('refuses bad session timeouts, empty group ids, inconsistent protocols and joins past group.max.size', async () => {
    assert.equal((await c.joinGroup(join({ sessionTimeoutMs: 1000 }))).errorCode, ErrorCode.INVALID_SESSION_TIMEOUT);
    assert.equal((await c.joinGroup(join({ groupId: '' }))).errorCode, ErrorCode.INVALID_GROUP_ID);
    assert.equal((await c.joinGroup(join({ memberId: 'who' }))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    await stableGroupOfOne(clock, c);
    assert.equal((await c.joinGroup(join({ protocols: [{ name: 'other', metadata: Buffer.alloc(0) }] }))).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const small = coordinator(clock, new MemoryLog(), { maxSize: 1 });
    await small.whenLoaded();
    await stableGroupOfOne(clock, small);
    assert.equal((await small.joinGroup(join())).errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED);
    small.close();
  });

  it('selects the protocol every member supports with the most votes', async () => {
    const a = await joinNew(c, { protocols: [{ name: 'roundrobin', metadata: Buffer.alloc(0) }, { name: 'range', metadata: Buffer.alloc(0) }] });
    await joinNew(c, { protocols: [{ name: 'range', metadata: Buffer.alloc(0) }, { name: 'roundrobin', metadata: Buffer.alloc(0) }] });
    await joinNew(c, { protocols: [{ name: 'sticky', metadata: Buffer.alloc(0) }, { name: 'range', metadata: Buffer.alloc(0) }, { name: 'roundrobin', metadata: Buffer.alloc(0) }] });
    await clock.advance(9000);
    assert.equal(a.result.value?.protocolName, 'range');
  });

  it('offsets: standalone commits, member commits, errors by state, -1 for no commit, OffsetDelete', async () => {
    const part = (topic: string, partition: number, offset: number) => ({ topic, partition, offset, leaderEpoch: -1, metadata: `m${offset}`, commitTimestampMs: -1 });
    assert.deepEqual(await c.commitOffsets({ groupId: 'solo', generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, partitions: [part('t', 0, 5)] }), [ErrorCode.NONE]);
    assert.deepEqual(await c.commitOffsets({ groupId: 'nogroup', generationId: 3, memberId: 'm', groupInstanceId: null, retentionTimeMs: -1, partitions: [part('t', 0, 5)] }), [ErrorCode.ILLEGAL_GENERATION]);
    const fetched = await c.fetchOffsets('solo', [{ topic: 't', partitions: [0, 1] }]);
    assert.deepEqual(fetched.topics[0]?.partitions.map((p) => [p.offset, p.metadata]), [[5, 'm5'], [-1, '']]);
    const a = await stableGroupOfOne(clock, c);
    assert.deepEqual(await c.commitOffsets({ groupId: 'g', generationId: 1, memberId: a, groupInstanceId: null, retentionTimeMs: -1, partitions: [part('t', 0, 10), part('u', 2, 20)] }), [ErrorCode.NONE, ErrorCode.NONE]);
    assert.deepEqual(await c.commitOffsets({ groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, partitions: [part('t', 0, 1)] }), [ErrorCode.UNKNOWN_MEMBER_ID], 'non-members may not commit to a group with members');
    assert.deepEqual(await c.commitOffsets({ groupId: 'g', generationId: 0, memberId: a, groupInstanceId: null, retentionTimeMs: -1, partitions: [part('t', 0, 1)] }), [ErrorCode.ILLEGAL_GENERATION]);
    const big = { ...part('t', 1, 1), metadata: 'x'.repeat(5000) };
    assert.deepEqual(await c.commitOffsets({ groupId: 'g', generationId: 1, memberId: a, groupInstanceId: null, retentionTimeMs: -1, partitions: [big] }), [ErrorCode.OFFSET_METADATA_TOO_LARGE]);
    const all = await c.fetchOffsets('g', null);
    assert.deepEqual(all.topics.map((t) => [t.topic, t.partitions.map((p) => p.offset)]).sort(), [['t', [10]], ['u', [20]]]);
    // Another member joining puts the group in CompletingRebalance after the join.
    const b = await joinNew(c);
    track(c.joinGroup(join({ memberId: a })));
    await settle();
    assert.equal(b.result.value?.errorCode, ErrorCode.NONE);
    assert.deepEqual(await c.commitOffsets({ groupId: 'g', generationId: 2, memberId: a, groupInstanceId: null, retentionTimeMs: -1, partitions: [part('t', 0, 11)] }), [ErrorCode.REBALANCE_IN_PROGRESS]);
    // OffsetDelete: a consumer group with members may not drop offsets of subscribed topics. The
    // members' metadata here is not a ConsumerProtocol subscription, so every topic counts as subscribed.
    const del = await c.deleteOffsets('g', [{ topic: 'u', partitions: [2] }]);
    assert.equal(del.topics[0]?.partitions[0]?.errorCode, ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC);
    const solo = await c.deleteOffsets('solo', [{ topic: 't', partitions: [0] }]);
    assert.equal(solo.topics[0]?.partitions[0]?.errorCode, ErrorCode.NONE);
    assert.equal((await c.fetchOffsets('solo', [{ topic: 't', partitions: [0] }])).topics[0]?.partitions[0]?.offset, -1);
    assert.equal((await c.deleteOffsets('absent', [])).errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('DeleteGroups: NON_EMPTY_GROUP, then tombstones; GROUP_ID_NOT_FOUND after', async () => {
    const a = await stableGroupOfOne(clock, c);
    await c.commitOffsets({ groupId: 'g', generationId: 1, memberId: a, groupInstanceId: null, retentionTimeMs: -1, partitions: [{ topic: 't', partition: 0, offset: 3, leaderEpoch: -1, metadata: null, commitTimestampMs: -1 }] });
    assert.deepEqual(await c.deleteGroups(['g', 'nope']), [{ groupId: 'g', errorCode: ErrorCode.NON_EMPTY_GROUP }, { groupId: 'nope', errorCode: ErrorCode.GROUP_ID_NOT_FOUND }]);
    c.leaveGroup('g', [{ memberId: a, groupInstanceId: null }], null);
    await settle();
    assert.deepEqual(await c.deleteGroups(['g']), [{ groupId: 'g', errorCode: ErrorCode.NONE }]);
    assert.equal(c.describeGroup('g').state, 'Dead');
    assert.deepEqual(c.listGroups([]).groups, []);
    assert.deepEqual(await c.deleteGroups(['g']), [{ groupId: 'g', errorCode: ErrorCode.GROUP_ID_NOT_FOUND }]);
  });

  it('ListGroups filters by state, case-insensitively', async () => {
    await stableGroupOfOne(clock, c);
    await c.commitOffsets({ groupId: 'solo', generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, partitions: [{ topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: null, commitTimestampMs: -1 }] });
    assert.deepEqual(c.listGroups([]).groups.map((g) => [g.groupId, g.state, g.protocolType]).sort(), [['g', 'Stable', 'consumer'], ['solo', 'Empty', '']]);
    assert.deepEqual(c.listGroups(['stable']).groups.map((g) => g.groupId), ['g']);
    assert.deepEqual(c.listGroups(['Empty', 'Dead']).groups.map((g) => g.groupId), ['solo']);
  });

  it('expires an empty group\'s offsets offsets.retention.minutes after it became empty, then the group', async () => {
    const a = await stableGroupOfOne(clock, c);
    await c.commitOffsets({ groupId: 'g', generationId: 1, memberId: a, groupInstanceId: null, retentionTimeMs: -1, partitions: [{ topic: 't', partition: 0, offset: 3, leaderEpoch: -1, metadata: null, commitTimestampMs: -1 }] });
    const offset = async () => (await c.fetchOffsets('g', [{ topic: 't', partitions: [0] }])).topics[0]?.partitions[0]?.offset;
    // The retention check runs every offsets.retention.check.interval.ms on the clock.
    c.leaveGroup('g', [{ memberId: a, groupInstanceId: null }], null);
    await settle();
    await clock.advance(CONFIG.offsetsRetentionMs - 1);
    assert.equal(await offset(), 3);
    await clock.advance(600_000);
    assert.equal(await offset(), -1);
    assert.equal(c.describeGroup('g').state, 'Dead', 'an empty group without offsets is removed');
  });
});

describe('group coordinator: loading from __consumer_offsets', () => {
  it('rebuilds groups and offsets by replaying the partition, answering COORDINATOR_LOAD_IN_PROGRESS meanwhile', async () => {
    const clock = new ManualClock();
    const log = new MemoryLog();
    const c1 = coordinator(clock, log);
    await c1.whenLoaded();
    const a = await stableGroupOfOne(clock, c1);
    await c1.commitOffsets({ groupId: 'g', generationId: 1, memberId: a, groupInstanceId: null, retentionTimeMs: -1, partitions: [{ topic: 't', partition: 0, offset: 77, leaderEpoch: 2, metadata: 'kept', commitTimestampMs: -1 }] });
    await c1.commitOffsets({ groupId: 'gone', generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, partitions: [{ topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: null, commitTimestampMs: -1 }] });
    await c1.deleteGroups(['gone']);
    c1.close();

    let release: () => void = () => undefined;
    log.gate = new Promise((r) => (release = r));
    const c2 = coordinator(clock, log);
    assert.equal(c2.heartbeat('g', a, null, 1), ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    assert.equal((await c2.fetchOffsets('g', null)).errorCode, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    release();
    await c2.whenLoaded();
    const g = c2.describeGroup('g');
    assert.equal(g.state, 'Stable');
    assert.deepEqual(g.members.map((m) => [m.memberId, m.assignment.toString()]), [[a, 'a1']]);
    const f = await c2.fetchOffsets('g', [{ topic: 't', partitions: [0] }]);
    assert.deepEqual(f.topics[0]?.partitions[0], { partition: 0, offset: 77, leaderEpoch: 2, metadata: 'kept', errorCode: ErrorCode.NONE });
    assert.equal(c2.describeGroup('gone').state, 'Dead', 'a deleted group stays deleted');
    assert.equal(c2.heartbeat('g', a, null, 1), ErrorCode.NONE, 'a loaded member may heartbeat');
    // Loaded members must heartbeat within their session timeout.
    await clock.advance(10_000);
    assert.equal(c2.describeGroup('g').state, 'Empty', 'its only member expired');
    c2.close();
  });

  it('NOT_COORDINATOR for a group whose partition is not hosted here', async () => {
    const c = new GroupCoordinator({ config: { ...CONFIG, offsetsTopicNumPartitions: 50 }, clock: new ManualClock(), logger: silentLogger, nodeId: 1, newUuid: () => 'u', offsetsTopicExists: () => true, createOffsetsTopic: async () => undefined });
    assert.equal(c.heartbeat('g', 'm', null, 1), ErrorCode.NOT_COORDINATOR);
    assert.equal((await c.findCoordinator('g')).errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE);
    c.close();
  });
  it('transactional offset commits count only once their transaction commits, also after a reload', async () => {
    const clock = new ManualClock();
    const log = new MemoryLog();
    const c1 = coordinator(clock, log);
    await c1.whenLoaded();
    const commit = (producerId: bigint, offset: number) => c1.commitTxnOffsets({ groupId: 'eos', generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, producerId, producerEpoch: 0, partitions: [{ topic: 't', partition: 0, offset, leaderEpoch: -1, metadata: null, commitTimestampMs: -1 }] });
    const offset = async (c: GroupCoordinator, requireStable = false) => (await c.fetchOffsets('eos', [{ topic: 't', partitions: [0] }], requireStable)).topics[0]?.partitions[0];
    assert.deepEqual(await commit(5n, 10), [ErrorCode.NONE]);
    assert.equal((await offset(c1))?.offset, -1, 'pending: not yet committed');
    assert.equal((await offset(c1, true))?.errorCode, ErrorCode.UNSTABLE_OFFSET_COMMIT);
    assert.equal(await c1.writeTxnMarker(0, 5n, 0, false, 0), ErrorCode.NONE);
    assert.equal((await offset(c1, true))?.offset, -1, 'aborted: dropped');
    await commit(5n, 20);
    assert.equal(await c1.writeTxnMarker(0, 5n, 0, true, 0), ErrorCode.NONE);
    assert.equal((await offset(c1))?.offset, 20, 'committed');
    await commit(6n, 30); // left open by a "crash"
    c1.close();
    const c2 = coordinator(clock, log);
    await c2.whenLoaded();
    assert.equal((await offset(c2))?.offset, 20);
    assert.equal((await offset(c2, true))?.errorCode, ErrorCode.UNSTABLE_OFFSET_COMMIT, 'still pending after the reload');
    assert.equal(await c2.writeTxnMarker(0, 6n, 0, true, 0), ErrorCode.NONE);
    assert.equal((await offset(c2, true))?.offset, 30);
    c2.close();
  });
});
