import assert from 'node:assert/strict';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import type { AlterPartitionRequest, PartitionData } from '../protocol/generated/messages/alter-partition-request.js';
import { ClusterHarness } from '../testing/cluster-harness.js';

describe('controller/AlterPartition', () => {
  let h: ClusterHarness;
  let topicId: string;
  const epoch = (id: number): bigint => h.image.brokers.get(id)?.epoch ?? -1n;

  beforeEach(async () => {
    h = new ClusterHarness();
    for (const id of [1, 2, 3]) await h.liveBroker(id, 0);
    await h.control.registerBroker({ brokerId: 4, clusterId: 'c', incarnationId: 'BAQEBAQEBAQEBAQEBAQEBA', listeners: [], features: [], rack: null }, 0);
    topicId = h.createTopic('t', [[1, 2, 3], [1, 2, 4]]);
  });

  function request(partition: Partial<PartitionData> & { newIsr: number[] }, from = 1, fromEpoch = epoch(from)): AlterPartitionRequest {
    const p = h.partition('t', partition.partitionIndex ?? 0);
    return {
      brokerId: from,
      brokerEpoch: fromEpoch,
      topics: [{ topicId, partitions: [{ partitionIndex: 0, leaderEpoch: p.leaderEpoch, leaderRecoveryState: 0, partitionEpoch: p.partitionEpoch, ...partition }] }],
    };
  }
  const errorOf = async (req: AlterPartitionRequest, version = 2): Promise<number | undefined> => (await h.control.alterPartition(req, version)).topics[0]?.partitions[0]?.errorCode;

  it('shrinks and expands the ISR; the response carries the new ISR and epochs', async () => {
    const shrink = await h.control.alterPartition(request({ newIsr: [1, 3] }), 2);
    assert.equal(shrink.errorCode, ErrorCode.NONE);
    assert.deepEqual(shrink.topics, [{ topicId, partitions: [{ partitionIndex: 0, errorCode: ErrorCode.NONE, leaderId: 1, leaderEpoch: 0, isr: [1, 3], leaderRecoveryState: 0, partitionEpoch: 1 }] }]);
    assert.deepEqual(h.partition('t', 0).isr, [1, 3]);
    const expand = await h.control.alterPartition(request({ newIsr: [], newIsrWithEpochs: [{ brokerId: 1, brokerEpoch: epoch(1) }, { brokerId: 3, brokerEpoch: epoch(3) }, { brokerId: 2, brokerEpoch: epoch(2) }] }), 3);
    assert.deepEqual(expand.topics[0]?.partitions[0]?.isr, [1, 3, 2]);
    assert.deepEqual(h.partition('t', 0), { leader: 1, isr: [1, 3, 2], leaderEpoch: 0, partitionEpoch: 2, leaderRecoveryState: 0, replicas: [1, 2, 3] });
  });

  it('the same ISR again writes nothing and answers the current state', async () => {
    const before = h.written.length;
    const r = await h.control.alterPartition(request({ newIsr: [1, 2, 3] }), 2);
    assert.equal(h.written.length, before);
    assert.deepEqual(r.topics[0]?.partitions[0]?.isr, [1, 2, 3]);
  });

  it('STALE_BROKER_EPOCH for the whole request when the sender\'s epoch is not its registration\'s', async () => {
    const r = await h.control.alterPartition(request({ newIsr: [1, 2] }, 1, epoch(1) - 1n), 2);
    assert.deepEqual([r.errorCode, r.topics], [ErrorCode.STALE_BROKER_EPOCH, []]);
    assert.equal((await h.control.alterPartition(request({ newIsr: [1, 2] }, 9, 5n), 2)).errorCode, ErrorCode.STALE_BROKER_EPOCH);
  });

  it('UNKNOWN_TOPIC_ID and UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const unknownTopic = request({ newIsr: [1, 2] });
    (unknownTopic.topics[0] as { topicId: string }).topicId = 'CQkJCQkJCQkJCQkJCQkJCQ';
    assert.equal(await errorOf(unknownTopic), ErrorCode.UNKNOWN_TOPIC_ID);
    const unknownPartition: AlterPartitionRequest = { brokerId: 1, brokerEpoch: epoch(1), topics: [{ topicId, partitions: [{ partitionIndex: 7, leaderEpoch: 0, newIsr: [1], leaderRecoveryState: 0, partitionEpoch: 0 }] }] };
    assert.equal(await errorOf(unknownPartition), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('FENCED_LEADER_EPOCH for an old leader epoch, NOT_CONTROLLER for one ahead', async () => {
    await h.heartbeat(2, epoch(2), 10, { wantFence: true });
    await h.heartbeat(2, epoch(2), 20);
    await h.heartbeat(1, epoch(1), 30, { wantFence: true });
    await h.heartbeat(1, epoch(1), 40);
    assert.equal(h.partition('t', 0).leader, 3, 'leadership moved twice');
    assert.equal(await errorOf(request({ newIsr: [3], leaderEpoch: 0 }, 3)), ErrorCode.FENCED_LEADER_EPOCH);
    assert.equal(await errorOf(request({ newIsr: [3], leaderEpoch: 9 }, 3)), ErrorCode.NOT_CONTROLLER);
    assert.equal(await errorOf(request({ newIsr: [3], partitionEpoch: 9 }, 3)), ErrorCode.NOT_CONTROLLER);
  });

  it('INVALID_REQUEST from a non-leader (Kafka\'s code), INVALID_UPDATE_VERSION for an old partition epoch', async () => {
    assert.equal(await errorOf(request({ newIsr: [1, 2] }, 2)), ErrorCode.INVALID_REQUEST);
    await h.control.alterPartition(request({ newIsr: [1, 2] }), 2);
    assert.equal(await errorOf(request({ newIsr: [1], partitionEpoch: 0 })), ErrorCode.INVALID_UPDATE_VERSION);
  });

  it('INVALID_REQUEST for an ISR with a non-replica, a duplicate, without the leader, or a bad recovery state', async () => {
    assert.equal(await errorOf(request({ newIsr: [1, 4] })), ErrorCode.INVALID_REQUEST);
    assert.equal(await errorOf(request({ newIsr: [1, 2, 2] })), ErrorCode.INVALID_REQUEST);
    assert.equal(await errorOf(request({ newIsr: [2, 3] })), ErrorCode.INVALID_REQUEST);
    assert.equal(await errorOf(request({ newIsr: [1], leaderRecoveryState: 1 })), ErrorCode.INVALID_REQUEST, 'RECOVERED cannot go back to RECOVERING');
  });

  it('INELIGIBLE_REPLICA for a fenced member or (v3) a member of another broker epoch', async () => {
    const p1 = { ...request({ newIsr: [1, 2, 4] }), topics: [{ topicId, partitions: [{ partitionIndex: 1, leaderEpoch: 0, newIsr: [1, 2, 4], leaderRecoveryState: 0, partitionEpoch: 0 }] }] };
    assert.equal(h.image.brokers.get(4)?.fenced, true);
    assert.equal(await errorOf(p1), ErrorCode.INELIGIBLE_REPLICA);
    const stale = request({ newIsr: [], newIsrWithEpochs: [{ brokerId: 1, brokerEpoch: epoch(1) }, { brokerId: 2, brokerEpoch: epoch(2) - 1n }] });
    assert.equal(await errorOf(stale, 3), ErrorCode.INELIGIBLE_REPLICA);
    const unchecked = request({ newIsr: [], newIsrWithEpochs: [{ brokerId: 1, brokerEpoch: -1n }, { brokerId: 2, brokerEpoch: -1n }] });
    assert.equal(await errorOf(unchecked, 3), ErrorCode.NONE, 'epoch -1 is not checked');
  });
});
