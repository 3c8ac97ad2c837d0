/**
 * BrokerRegistration, BrokerHeartbeat and AlterPartition through their handlers and wire codecs,
 * over a real ClusterControl whose commands replay into an image (testing/cluster-harness.ts); and
 * NOT_CONTROLLER where no active controller runs.
 */
import assert from 'node:assert/strict';
import { Reader } from '../../protocol/codec/reader.js';
import { Writer } from '../../protocol/codec/writer.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { encodeBrokerRegistrationRequest, type BrokerRegistrationRequest } from '../../protocol/generated/messages/broker-registration-request.js';
import { decodeBrokerRegistrationResponse } from '../../protocol/generated/messages/broker-registration-response.js';
import { encodeBrokerHeartbeatRequest, type BrokerHeartbeatRequest } from '../../protocol/generated/messages/broker-heartbeat-request.js';
import { decodeBrokerHeartbeatResponse } from '../../protocol/generated/messages/broker-heartbeat-response.js';
import { encodeAlterPartitionRequest, type AlterPartitionRequest } from '../../protocol/generated/messages/alter-partition-request.js';
import { decodeAlterPartitionResponse } from '../../protocol/generated/messages/alter-partition-response.js';
import { encodeElectLeadersRequest, type ElectLeadersRequest } from '../../protocol/generated/messages/elect-leaders-request.js';
import { decodeElectLeadersResponse } from '../../protocol/generated/messages/elect-leaders-response.js';
import { encodeAlterPartitionReassignmentsRequest, type AlterPartitionReassignmentsRequest } from '../../protocol/generated/messages/alter-partition-reassignments-request.js';
import { decodeAlterPartitionReassignmentsResponse } from '../../protocol/generated/messages/alter-partition-reassignments-response.js';
import { encodeListPartitionReassignmentsRequest } from '../../protocol/generated/messages/list-partition-reassignments-request.js';
import { decodeListPartitionReassignmentsResponse } from '../../protocol/generated/messages/list-partition-reassignments-response.js';
import { ClusterControl } from '../../controller/cluster-control.js';
import { NotControllerError } from '../../controller/controller.js';
import { MetadataImage } from '../../metadata/metadata-image.js';
import { ClusterHarness, registration } from '../../testing/cluster-harness.js';
import { ManualClock } from '../../testing/manual-clock.js';
import type { AnyApiDefinition } from '../api.js';
import type { BrokerServices, RequestContext } from '../context.js';
import { createRegistry } from '../registry.js';

/** Encodes the request at `version`, runs the registered handler, and decodes its response. */
async function call<Req, Res>(control: ClusterControl | undefined, apiKey: number, version: number, encode: (w: Writer, v: number, m: Req) => void, decode: (r: Reader, v: number) => Res, req: Req): Promise<Res> {
  const api = createRegistry().get(apiKey) as AnyApiDefinition | undefined;
  if (api === undefined) throw new Error(`API ${apiKey} is not registered`);
  assert.ok(version >= api.minVersion && version <= api.maxVersion, `version ${version} served`);
  const w = new Writer(64);
  encode(w, version, req);
  const decoded = api.decode(new Reader(w.toBuffer()) as never, version);
  // The handlers use the clock and the ClusterControl only.
  const broker = { clock: new ManualClock(), clusterControl: control } as unknown as BrokerServices;
  const ctx: RequestContext = { apiVersion: version, correlationId: 1, clientId: 'broker-1', connection: undefined as never, broker };
  const res = await api.handle(decoded, ctx);
  const out = new Writer(64);
  api.encode(out, version, res as never);
  return decode(new Reader(out.toBuffer()), version);
}

const register = (c: ClusterControl | undefined, req: BrokerRegistrationRequest, v = 4) => call(c, 62, v, encodeBrokerRegistrationRequest, decodeBrokerRegistrationResponse, req);
const heartbeat = (c: ClusterControl | undefined, req: BrokerHeartbeatRequest, v = 2) => call(c, 63, v, encodeBrokerHeartbeatRequest, decodeBrokerHeartbeatResponse, req);
const alter = (c: ClusterControl | undefined, req: AlterPartitionRequest, v = 3) => call(c, 56, v, encodeAlterPartitionRequest, decodeAlterPartitionResponse, req);
const elect = (c: ClusterControl | undefined, req: ElectLeadersRequest, v = 2) => call(c, 43, v, encodeElectLeadersRequest, decodeElectLeadersResponse, req);

describe('kafka/controller APIs (BrokerRegistration, BrokerHeartbeat, AlterPartition)', () => {
  it('a broker registers (v0 and v4), is unfenced by a caught-up heartbeat, and shrinks an ISR it leads', async () => {
    const h = new ClusterHarness();
    const r0 = await register(h.control, registration(2), 0);
    assert.equal(r0.errorCode, ErrorCode.NONE);
    const r = await register(h.control, registration(1, 'rack-1'));
    assert.equal(r.errorCode, ErrorCode.NONE);
    assert.equal(h.image.brokers.get(1)?.rack, 'rack-1');
    const hb = await heartbeat(h.control, { brokerId: 1, brokerEpoch: r.brokerEpoch, currentMetadataOffset: BigInt(h.image.lastOffset), wantFence: false, wantShutDown: false });
    assert.deepEqual([hb.errorCode, hb.isCaughtUp, hb.isFenced, hb.shouldShutDown], [ErrorCode.NONE, true, false, false]);
    await heartbeat(h.control, { brokerId: 2, brokerEpoch: r0.brokerEpoch, currentMetadataOffset: BigInt(h.image.lastOffset), wantFence: false, wantShutDown: false }, 0);
    const topicId = h.createTopic('t', [[1, 2]]);
    const v2 = await alter(h.control, { brokerId: 1, brokerEpoch: r.brokerEpoch, topics: [{ topicId, partitions: [{ partitionIndex: 0, leaderEpoch: 0, newIsr: [1], leaderRecoveryState: 0, partitionEpoch: 0 }] }] }, 2);
    assert.deepEqual(v2.topics[0]?.partitions[0], { partitionIndex: 0, errorCode: ErrorCode.NONE, leaderId: 1, leaderEpoch: 0, isr: [1], leaderRecoveryState: 0, partitionEpoch: 1 });
    const v3 = await alter(h.control, { brokerId: 1, brokerEpoch: r.brokerEpoch, topics: [{ topicId, partitions: [{ partitionIndex: 0, leaderEpoch: 0, newIsrWithEpochs: [{ brokerId: 1, brokerEpoch: r.brokerEpoch }, { brokerId: 2, brokerEpoch: r0.brokerEpoch }], leaderRecoveryState: 0, partitionEpoch: 1 }] }] });
    assert.deepEqual(v3.topics[0]?.partitions[0]?.isr, [1, 2]);
    const stale = await alter(h.control, { brokerId: 1, brokerEpoch: r.brokerEpoch + 5n, topics: [] });
    assert.equal(stale.errorCode, ErrorCode.STALE_BROKER_EPOCH);
  });

  it('NOT_CONTROLLER without a ClusterControl, and when the quorum is led elsewhere', async () => {
    const image = new MetadataImage();
    const follower = new ClusterControl({ run: () => Promise.reject(new NotControllerError(2)), image, sessionTimeoutMs: 1000 });
    for (const control of [undefined, follower]) {
      assert.equal((await register(control, registration(1))).errorCode, ErrorCode.NOT_CONTROLLER);
      const hb = await heartbeat(control, { brokerId: 1, brokerEpoch: 1n, currentMetadataOffset: 0n, wantFence: false, wantShutDown: false });
      assert.deepEqual([hb.errorCode, hb.isFenced], [ErrorCode.NOT_CONTROLLER, true]);
      assert.equal((await alter(control, { brokerId: 1, brokerEpoch: 1n, topics: [] })).errorCode, ErrorCode.NOT_CONTROLLER);
      const el = await elect(control, { electionType: 0, topicPartitions: [{ topic: 't', partitions: [0, 1] }], timeoutMs: 1000 });
      assert.deepEqual([el.errorCode, el.replicaElectionResults[0]?.partitionResult.map((p) => p.errorCode)], [ErrorCode.NOT_CONTROLLER, [ErrorCode.NOT_CONTROLLER, ErrorCode.NOT_CONTROLLER]]);
    }
  });
});

describe('kafka/ElectLeaders (key 43)', () => {
  async function movedLeader(): Promise<ClusterHarness> {
    const h = new ClusterHarness();
    const e1 = await h.liveBroker(1, 0);
    await h.liveBroker(2, 0);
    h.createTopic('t', [[1, 2], [2, 1]]);
    await h.heartbeat(1, e1, 10, { wantFence: true });
    await h.heartbeat(1, e1, 20);
    const tId = h.image.topicsByName.get('t')?.topicId ?? '';
    const p0 = h.partition('t', 0);
    await h.control.alterPartition({ brokerId: 2, brokerEpoch: h.image.brokers.get(2)?.epoch ?? -1n, topics: [{ topicId: tId, partitions: [{ partitionIndex: 0, leaderEpoch: p0.leaderEpoch, newIsr: [2, 1], leaderRecoveryState: 0, partitionEpoch: p0.partitionEpoch }] }] }, 2);
    assert.equal(h.partition('t', 0).leader, 2);
    return h;
  }

  it('v0 (always PREFERRED) per partition, grouped by topic, with Kafka\'s codes', async () => {
    const h = await movedLeader();
    const r = await elect(h.control, { topicPartitions: [{ topic: 't', partitions: [0, 1, 4] }, { topic: 'nope', partitions: [0] }], timeoutMs: 1000 }, 0);
    assert.deepEqual(r.replicaElectionResults.map((t) => [t.topic, t.partitionResult.map((p) => [p.partitionId, p.errorCode])]), [
      ['t', [[0, ErrorCode.NONE], [1, ErrorCode.ELECTION_NOT_NEEDED], [4, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
      ['nope', [[0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
    ]);
    assert.equal(h.partition('t', 0).leader, 1);
  });

  it('v2 null partitions = every partition, listing only those elected; UNCLEAN with a leader everywhere lists none; an unknown type is INVALID_REQUEST', async () => {
    const h = await movedLeader();
    const all = await elect(h.control, { electionType: 0, topicPartitions: null, timeoutMs: 1000 });
    assert.deepEqual([all.errorCode, all.replicaElectionResults.map((t) => [t.topic, t.partitionResult.map((p) => [p.partitionId, p.errorCode])])], [ErrorCode.NONE, [['t', [[0, ErrorCode.NONE]]]]]);
    const unclean = await elect(h.control, { electionType: 1, topicPartitions: null, timeoutMs: 1000 }, 1);
    assert.deepEqual([unclean.errorCode, unclean.replicaElectionResults], [ErrorCode.NONE, []]);
    const bad = await elect(h.control, { electionType: 7, topicPartitions: [{ topic: 't', partitions: [0] }], timeoutMs: 1000 });
    assert.deepEqual([bad.errorCode, bad.replicaElectionResults[0]?.partitionResult[0]?.errorCode], [ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
  });
});

describe('kafka/ListPartitionReassignments (key 46)', () => {
  const list = async (run: BrokerServices['controller']['run'], topics: { name: string; partitionIndexes: number[] }[] | null) => {
    const api = createRegistry().get(46) as AnyApiDefinition;
    const w = new Writer(64);
    encodeListPartitionReassignmentsRequest(w, 0, { timeoutMs: 1000, topics });
    const broker = { controller: { run } } as unknown as BrokerServices;
    const res = await api.handle(api.decode(new Reader(w.toBuffer()) as never, 0), { apiVersion: 0, correlationId: 1, clientId: 'c', connection: undefined as never, broker });
    const out = new Writer(64);
    api.encode(out, 0, res as never);
    return decodeListPartitionReassignmentsResponse(new Reader(out.toBuffer()), 0);
  };

  it('answers the ongoing reassignments grouped by topic; NOT_CONTROLLER off the active controller', async () => {
    const h = new ClusterHarness();
    const t = h.createTopic('t', [[1, 2], [2, 3]]);
    h.apply([{ type: 'partitionChange', version: 0, data: { partitionId: 1, topicId: t, leader: -2, isr: null, replicas: [1, 2, 3], addingReplicas: [1], removingReplicas: [3], leaderRecoveryState: -1 } }]);
    const r = await list((cmd) => h.run(cmd), null);
    assert.deepEqual([r.errorCode, r.topics], [ErrorCode.NONE, [{ name: 't', partitions: [{ partitionIndex: 1, replicas: [1, 2, 3], addingReplicas: [1], removingReplicas: [3] }] }]]);
    const none = await list((cmd) => h.run(cmd), [{ name: 't', partitionIndexes: [0] }]);
    assert.deepEqual(none.topics, []);
    const elsewhere = await list(() => Promise.reject(new NotControllerError(2)), null);
    assert.equal(elsewhere.errorCode, ErrorCode.NOT_CONTROLLER);
  });
});

describe('kafka/AlterPartitionReassignments (key 45)', () => {
  const reassign = (c: ClusterControl | undefined, req: AlterPartitionReassignmentsRequest, v = 1) => call(c, 45, v, encodeAlterPartitionReassignmentsRequest, decodeAlterPartitionReassignmentsResponse, req);

  it('starts and cancels per partition with Kafka\'s codes, grouped by topic; v1 refuses a replication factor change when not allowed; NOT_CONTROLLER without a controller', async () => {
    const h = new ClusterHarness();
    for (const id of [1, 2, 3]) await h.liveBroker(id, 0);
    h.createTopic('t', [[1, 2], [2, 3]]);
    const r = await reassign(h.control, { timeoutMs: 1000, topics: [{ name: 't', partitions: [{ partitionIndex: 0, replicas: [2, 3] }, { partitionIndex: 1, replicas: null }, { partitionIndex: 9, replicas: [1] }] }] }, 0);
    assert.equal(r.errorCode, ErrorCode.NONE);
    assert.deepEqual(r.responses.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.errorCode])]), [
      ['t', [[0, ErrorCode.NONE], [1, ErrorCode.NO_REASSIGNMENT_IN_PROGRESS], [9, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
    ]);
    assert.deepEqual(h.partition('t', 0).replicas, [2, 3, 1]);
    const rf = await reassign(h.control, { timeoutMs: 1000, allowReplicationFactorChange: false, topics: [{ name: 't', partitions: [{ partitionIndex: 1, replicas: [1, 2, 3] }] }] });
    assert.equal(rf.responses[0]?.partitions[0]?.errorCode, ErrorCode.INVALID_REPLICATION_FACTOR);
    const cancel = await reassign(h.control, { timeoutMs: 1000, topics: [{ name: 't', partitions: [{ partitionIndex: 0, replicas: null }] }] });
    assert.equal(cancel.responses[0]?.partitions[0]?.errorCode, ErrorCode.NONE);
    assert.deepEqual(h.partition('t', 0).replicas, [2, 1]);
    const off = await reassign(undefined, { timeoutMs: 1000, topics: [{ name: 't', partitions: [{ partitionIndex: 0, replicas: [3] }] }] });
    assert.deepEqual([off.errorCode, off.responses[0]?.partitions[0]?.errorCode], [ErrorCode.NOT_CONTROLLER, ErrorCode.NOT_CONTROLLER]);
  });
});
