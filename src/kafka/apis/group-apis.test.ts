/**
 * The group API handlers' version-dependent shapes (FindCoordinator, JoinGroup, SyncGroup,
 * Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch, OffsetDelete, DescribeGroups, ListGroups,
 * DeleteGroups), each response encoded and decoded again with the generated codec of its version.
 */
import assert from 'node:assert/strict';
import { Reader } from '../../protocol/codec/reader.js';
import { Writer } from '../../protocol/codec/writer.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { Clock, Timer } from '../../io/clock.js';
import { silentLogger } from '../../util/logger.js';
import type { AnyApiDefinition, ApiDefinition } from '../api.js';
import type { BrokerServices, RequestContext } from '../context.js';
import { createRegistry } from '../registry.js';
import { GroupCoordinator } from '../../coordinator/group/group-coordinator.js';
import type { CoordinatorLog } from '../../coordinator/runtime.js';
import { findCoordinatorApi } from './find-coordinator.js';
import { joinGroupApi } from './join-group.js';
import { leaveGroupApi } from './leave-group.js';
import { offsetCommitApi } from './offset-commit.js';
import { offsetFetchApi } from './offset-fetch.js';
import { listGroupsApi } from './list-groups.js';
import { describeGroupsApi } from './describe-groups.js';
import { deleteGroupsApi } from './delete-groups.js';
import { heartbeatApi } from './heartbeat.js';
import { decodeFindCoordinatorResponse } from '../../protocol/generated/messages/find-coordinator-response.js';
import { decodeJoinGroupResponse } from '../../protocol/generated/messages/join-group-response.js';
import { decodeLeaveGroupResponse } from '../../protocol/generated/messages/leave-group-response.js';
import { decodeOffsetCommitResponse } from '../../protocol/generated/messages/offset-commit-response.js';
import { decodeOffsetFetchResponse } from '../../protocol/generated/messages/offset-fetch-response.js';
import { decodeListGroupsResponse } from '../../protocol/generated/messages/list-groups-response.js';
import { decodeDescribeGroupsResponse } from '../../protocol/generated/messages/describe-groups-response.js';
import { decodeDeleteGroupsResponse } from '../../protocol/generated/messages/delete-groups-response.js';
import { decodeHeartbeatResponse } from '../../protocol/generated/messages/heartbeat-response.js';

/** Zero-delay timers (group.initial.rebalance.delay.ms=0) fire on the next turn; others never. */
const noTimers: Clock = {
  nowMs: () => 1_000_000,
  setTimer: (delayMs: number, fn: () => void): Timer => {
    let cancelled = false;
    if (delayMs === 0) setImmediate(() => cancelled || fn());
    return { cancel: () => void (cancelled = true) };
  },
};

class MemoryLog implements CoordinatorLog {
  end = 0;
  get logStartOffset(): number {
    return 0;
  }
  get highWatermark(): number {
    return this.end;
  }
  get logEndOffset(): number {
    return this.end;
  }
  async read(): Promise<Buffer | null> {
    return Buffer.alloc(0);
  }
  async append(batch: Buffer): Promise<{ baseOffset: number }> {
    const baseOffset = this.end;
    this.end += batch.readInt32BE(57);
    return { baseOffset };
  }
}

function broker(): BrokerServices {
  const groups = new GroupCoordinator({
    config: { offsetsTopicNumPartitions: 1, initialRebalanceDelayMs: 0, minSessionTimeoutMs: 6000, maxSessionTimeoutMs: 1_800_000, maxSize: 10, offsetsRetentionMs: 1e9, offsetsRetentionCheckIntervalMs: 1e9, offsetMetadataMaxBytes: 4096 },
    clock: noTimers,
    logger: silentLogger,
    nodeId: 1,
    newUuid: () => 'uuid',
    offsetsTopicExists: () => true,
    createOffsetsTopic: async () => undefined,
  });
  groups.hostPartition(0, new MemoryLog());
  const image = { topicsByName: new Map([['t', { name: 't', topicId: 'id', partitions: new Map([[0, {}], [1, {}]]) }]]), brokers: new Map() };
  return {
    settings: { nodeId: 1, rack: null },
    groups,
    txns: { findCoordinator: async (id: string) => (id === 'tx' ? { errorCode: ErrorCode.NONE, nodeId: 1 } : { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1 }) },
    image,
    log: silentLogger,
    advertisedEndpoints: () => [{ listenerName: 'PLAINTEXT', host: 'broker.example', port: 9092, securityProtocol: 'PLAINTEXT' }],
  } as unknown as BrokerServices;
}

async function call<Res>(api: AnyApiDefinition, version: number, req: object, b: BrokerServices, decode: (r: Reader, v: number) => Res): Promise<Res> {
  const def = api as unknown as ApiDefinition<object, object>;
  const ctx: RequestContext = { apiVersion: version, correlationId: 1, clientId: 'client', connection: { id: 1, remoteAddress: '127.0.0.1:5555', listenerName: 'PLAINTEXT' }, broker: b };
  const res = await def.handle(req, ctx);
  assert.ok(res !== null);
  const w = new Writer();
  def.encode(w, version, res);
  return decode(new Reader(w.toBuffer()), version);
}

describe('group API handlers', () => {
  let b: BrokerServices;
  beforeEach(async () => {
    b = broker();
    await b.groups.whenLoaded();
  });
  afterEach(() => b.groups.close());

  it('advertises the versions served', () => {
    const byKey = new Map(createRegistry().all().map((a) => [a.meta.apiKey, [a.minVersion, a.maxVersion]]));
    assert.deepEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 42, 47].map((k) => byKey.get(k)), [[0, 9], [0, 9], [0, 6], [0, 9], [0, 4], [0, 5], [0, 5], [0, 5], [0, 5], [0, 2], [0, 0]]);
  });

  it('FindCoordinator: one key before v4, batched coordinator keys from v4; transaction keys from the transaction coordinator', async () => {
    const v0 = await call(findCoordinatorApi, 0, { key: 'g' }, b, decodeFindCoordinatorResponse);
    assert.deepEqual([v0.errorCode, v0.nodeId, v0.host, v0.port], [ErrorCode.NONE, 1, 'broker.example', 9092]);
    const v4 = await call(findCoordinatorApi, 4, { keyType: 0, coordinatorKeys: ['a', 'b'] }, b, decodeFindCoordinatorResponse);
    assert.deepEqual(v4.coordinators?.map((c) => [c.key, c.nodeId, c.errorCode]), [['a', 1, 0], ['b', 1, 0]]);
    const txn = await call(findCoordinatorApi, 1, { key: 'tx', keyType: 1 }, b, decodeFindCoordinatorResponse);
    assert.deepEqual([txn.errorCode, txn.nodeId, txn.host], [ErrorCode.NONE, 1, 'broker.example']);
    const unavailable = await call(findCoordinatorApi, 1, { key: 'other', keyType: 1 }, b, decodeFindCoordinatorResponse);
    assert.equal(unavailable.errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const unknownType = await call(findCoordinatorApi, 1, { key: 'x', keyType: 7 }, b, decodeFindCoordinatorResponse);
    assert.equal(unknownType.errorCode, ErrorCode.INVALID_REQUEST);
  });

  it('JoinGroup: MEMBER_ID_REQUIRED from v4, protocol name "" before v7 and null from v7 on errors', async () => {
    const req = { groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.from('x') }] };
    const v4 = await call(joinGroupApi, 4, req, b, decodeJoinGroupResponse);
    assert.equal(v4.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    assert.equal(v4.memberId, 'client-uuid');
    assert.equal(v4.protocolName, '');
    const v7 = await call(joinGroupApi, 7, { ...req, sessionTimeoutMs: 1 }, b, decodeJoinGroupResponse);
    assert.equal(v7.errorCode, ErrorCode.INVALID_SESSION_TIMEOUT);
    assert.equal(v7.protocolName, null);
    const joined = await call(joinGroupApi, 5, { ...req, memberId: v4.memberId }, b, decodeJoinGroupResponse);
    assert.deepEqual([joined.errorCode, joined.generationId, joined.leader, joined.members.length], [ErrorCode.NONE, 1, 'client-uuid', 1]);
    const described = await call(describeGroupsApi, 4, { groups: ['g', 'none'], includeAuthorizedOperations: false }, b, decodeDescribeGroupsResponse);
    assert.deepEqual(described.groups.map((g) => [g.groupId, g.groupState, g.members.map((m) => m.clientHost)]), [['g', 'CompletingRebalance', ['/127.0.0.1']], ['none', 'Dead', []]]);
    assert.equal(described.groups[0]?.authorizedOperations, -2147483648);
    const hb = await call(heartbeatApi, 3, { groupId: 'g', generationId: 0, memberId: 'client-uuid', groupInstanceId: null }, b, decodeHeartbeatResponse);
    assert.equal(hb.errorCode, ErrorCode.ILLEGAL_GENERATION);
  });

  it('LeaveGroup: the member error is the top-level error before v3, per member from v3', async () => {
    const v1 = await call(leaveGroupApi, 1, { groupId: 'g', memberId: 'ghost' }, b, decodeLeaveGroupResponse);
    assert.equal(v1.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    const v3 = await call(leaveGroupApi, 3, { groupId: 'g', members: [{ memberId: 'ghost', groupInstanceId: null }, { memberId: '', groupInstanceId: 'i' }] }, b, decodeLeaveGroupResponse);
    assert.equal(v3.errorCode, ErrorCode.NONE);
    assert.deepEqual(v3.members?.map((m) => [m.memberId, m.groupInstanceId, m.errorCode]), [['ghost', null, 25], ['', 'i', 25]]);
  });

  it('OffsetCommit/OffsetFetch: unknown partitions, -1 without a commit, all topics with null, many groups from v8', async () => {
    const commit = await call(offsetCommitApi, 2, { groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1n, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 12n, committedMetadata: 'meta' }, { partitionIndex: 9, committedOffset: 1n, committedMetadata: null }] }, { name: 'x', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: null }] }] }, b, decodeOffsetCommitResponse);
    assert.deepEqual(commit.topics.map((t) => [t.name, t.partitions.map((p) => p.errorCode)]), [['t', [0, 3]], ['x', [3]]]);
    const v1 = await call(offsetFetchApi, 1, { groupId: 'g', topics: [{ name: 't', partitionIndexes: [0, 1] }] }, b, decodeOffsetFetchResponse);
    assert.deepEqual(v1.topics?.[0]?.partitions?.map((p) => [p.partitionIndex, p.committedOffset, p.metadata]), [[0, 12n, 'meta'], [1, -1n, '']]);
    const all = await call(offsetFetchApi, 5, { groupId: 'g', topics: null }, b, decodeOffsetFetchResponse);
    assert.deepEqual(all.topics?.map((t) => [t.name, t.partitions?.map((p) => p.committedOffset)]), [['t', [12n]]]);
    const v8 = await call(offsetFetchApi, 8, { groups: [{ groupId: 'g', topics: null }, { groupId: 'other', topics: [{ name: 't', partitionIndexes: [0] }] }], requireStable: true }, b, decodeOffsetFetchResponse);
    assert.deepEqual(v8.groups?.map((g) => [g.groupId, g.errorCode, g.topics?.map((t) => t.partitions?.map((p) => p.committedOffset))]), [['g', 0, [[12n]]], ['other', 0, [[-1n]]]]);
    const listed = await call(listGroupsApi, 4, { statesFilter: ['empty'] }, b, decodeListGroupsResponse);
    assert.deepEqual(listed.groups.map((g) => [g.groupId, g.groupState]), [['g', 'Empty']]);
    const filtered = await call(listGroupsApi, 5, { statesFilter: [], typesFilter: ['consumer'] }, b, decodeListGroupsResponse);
    assert.deepEqual(filtered.groups, [], 'no KIP-848 consumer groups here');
    const deleted = await call(deleteGroupsApi, 1, { groupsNames: ['g', 'nope'] }, b, decodeDeleteGroupsResponse);
    assert.deepEqual(deleted.results.map((r) => [r.groupId, r.errorCode]), [['g', 0], ['nope', 69]]);
  });
});
