import assert from 'node:assert/strict';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { ClusterHarness, registration, SESSION_TIMEOUT_MS } from '../testing/cluster-harness.js';
import { ClusterControl } from './cluster-control.js';
import { NotControllerError } from './controller.js';
import { MetadataImage } from '../metadata/metadata-image.js';

describe('controller/ClusterControl: registration and heartbeats', () => {
  it('a registration is fenced, with an epoch past every earlier record; epochs grow', async () => {
    const h = new ClusterHarness();
    h.createTopic('t', [[1]]);
    const before = h.image.lastOffset;
    const r1 = await h.control.registerBroker(registration(1, 'a'), 0);
    const r2 = await h.control.registerBroker(registration(2), 0);
    assert.equal(r1.errorCode, ErrorCode.NONE);
    assert.equal(r1.brokerEpoch, BigInt(before + 1));
    assert.ok(r2.brokerEpoch > r1.brokerEpoch);
    const b1 = h.image.brokers.get(1);
    assert.equal(b1?.fenced, true);
    assert.equal(b1?.rack, 'a');
    assert.deepEqual(b1?.endpoints, [{ name: 'PLAINTEXT', host: 'localhost', port: 9091, securityProtocol: 0 }]);
    assert.deepEqual(h.control.placementBrokers(), [], 'fenced brokers host no new replicas');
  });

  it('a heartbeat behind the registration stays fenced; caught up, it is unfenced', async () => {
    const h = new ClusterHarness();
    const { brokerEpoch } = await h.control.registerBroker(registration(1), 0);
    const registerOffset = h.image.brokers.get(1)?.registerOffset ?? -1;
    const behind = await h.control.heartbeat({ brokerId: 1, brokerEpoch, currentMetadataOffset: BigInt(registerOffset - 1), wantFence: false, wantShutDown: false }, 100);
    assert.deepEqual([behind.errorCode, behind.isCaughtUp, behind.isFenced, behind.shouldShutDown], [ErrorCode.NONE, false, true, false]);
    assert.equal(h.image.brokers.get(1)?.fenced, true);
    const caughtUp = await h.control.heartbeat({ brokerId: 1, brokerEpoch, currentMetadataOffset: BigInt(registerOffset), wantFence: false, wantShutDown: false }, 200);
    assert.deepEqual([caughtUp.isCaughtUp, caughtUp.isFenced, caughtUp.shouldShutDown], [true, false, false]);
    assert.equal(h.image.brokers.get(1)?.fenced, false);
    assert.deepEqual(h.control.placementBrokers(), [1]);
  });

  it('a heartbeat with another epoch, or from an unregistered broker, gets STALE_BROKER_EPOCH', async () => {
    const h = new ClusterHarness();
    const epoch = await h.liveBroker(1, 0);
    assert.equal((await h.heartbeat(1, epoch + 1n, 10)).errorCode, ErrorCode.STALE_BROKER_EPOCH);
    assert.equal((await h.heartbeat(7, epoch, 10)).errorCode, ErrorCode.STALE_BROKER_EPOCH);
  });

  it('another incarnation of a live broker id is refused; once its session expired it replaces it, dropping the old leaderships', async () => {
    const h = new ClusterHarness();
    await h.liveBroker(1, 0);
    await h.liveBroker(2, 0);
    h.createTopic('t', [[1, 2]]);
    const dup = await h.control.registerBroker(registration(1, null, 1), 1000);
    assert.equal(dup.errorCode, ErrorCode.DUPLICATE_BROKER_REGISTRATION);
    await h.heartbeat(2, h.image.brokers.get(2)?.epoch ?? -1n, SESSION_TIMEOUT_MS);
    const again = await h.control.registerBroker(registration(1, null, 1), SESSION_TIMEOUT_MS + 1);
    assert.equal(again.errorCode, ErrorCode.NONE);
    assert.equal(h.image.brokers.get(1)?.fenced, true);
    assert.deepEqual([h.partition('t', 0).leader, h.partition('t', 0).isr], [2, [2]]);
  });

  it('the same incarnation registering again keeps its epoch and fencing', async () => {
    const h = new ClusterHarness();
    const epoch = await h.liveBroker(1, 0);
    const again = await h.control.registerBroker(registration(1), 10);
    assert.equal(again.brokerEpoch, epoch);
    assert.equal(h.image.brokers.get(1)?.fenced, false);
  });

  it('rejects a registration for another cluster id', async () => {
    const image = new MetadataImage();
    const control = new ClusterControl({ run: async (cmd) => cmd(image).response, image, sessionTimeoutMs: 1000, clusterId: 'other' });
    assert.equal((await control.registerBroker(registration(1), 0)).errorCode, ErrorCode.INCONSISTENT_CLUSTER_ID);
  });

  it('a newly active controller gives every broker a fresh session; one that lost leadership forgets its sessions', async () => {
    const h = new ClusterHarness();
    await h.liveBroker(1, 0);
    // Another node's ClusterControl over the same image becomes active much later.
    const successor = new ClusterControl({ run: (cmd) => h.run(cmd), image: h.image, sessionTimeoutMs: SESSION_TIMEOUT_MS });
    assert.deepEqual(await successor.fenceExpired(100_000), [], 'first sight starts the session');
    assert.deepEqual(await successor.fenceExpired(100_000 + SESSION_TIMEOUT_MS + 1), [1]);

    const h2 = new ClusterHarness();
    await h2.liveBroker(1, 0);
    let active = true;
    const flapping = new ClusterControl({ run: (cmd) => (active ? h2.run(cmd) : Promise.reject(new NotControllerError(2))), image: h2.image, sessionTimeoutMs: SESSION_TIMEOUT_MS });
    assert.deepEqual(await flapping.fenceExpired(0), []);
    active = false;
    await assert.rejects(flapping.fenceExpired(1000), NotControllerError);
    active = true;
    assert.deepEqual(await flapping.fenceExpired(50_000), [], 'sessions restart on becoming active again, none is judged on old contact');
  });

  it('NotControllerError from run propagates', async () => {
    const image = new MetadataImage();
    const control = new ClusterControl({ run: () => Promise.reject(new NotControllerError(3)), image, sessionTimeoutMs: 1000 });
    await assert.rejects(control.registerBroker(registration(1), 0), NotControllerError);
    await assert.rejects(control.fenceExpired(0), NotControllerError);
  });
});

describe('controller/ClusterControl: fencing and leadership', () => {
  async function threeBrokers(): Promise<ClusterHarness> {
    const h = new ClusterHarness();
    for (const id of [1, 2, 3]) await h.liveBroker(id, 0);
    return h;
  }
  const epochOf = (h: ClusterHarness, id: number): bigint => h.image.brokers.get(id)?.epoch ?? -1n;

  it('session expiry fences the broker, moves its leaderships to the next ISR replica and shrinks ISRs', async () => {
    const h = await threeBrokers();
    h.createTopic('t', [[1, 2, 3], [3, 1, 2], [2, 3]]);
    await h.heartbeat(2, epochOf(h, 2), 5000);
    await h.heartbeat(3, epochOf(h, 3), 5000);
    assert.deepEqual(await h.control.fenceExpired(SESSION_TIMEOUT_MS), [], 'no session is past its timeout yet');
    assert.deepEqual(await h.control.fenceExpired(SESSION_TIMEOUT_MS + 1), [1]);
    assert.equal(h.image.brokers.get(1)?.fenced, true);
    assert.deepEqual(h.partition('t', 0), { leader: 2, isr: [2, 3], leaderEpoch: 1, partitionEpoch: 1, leaderRecoveryState: 0, replicas: [1, 2, 3] });
    assert.deepEqual([h.partition('t', 1).leader, h.partition('t', 1).isr, h.partition('t', 1).leaderEpoch], [3, [3, 2], 0], 'a leader that stays keeps its epoch (no bump on a shrink since Kafka 3.6)');
    assert.deepEqual(h.partition('t', 2).partitionEpoch, 0, 'a partition without the broker is untouched');
    assert.deepEqual(h.control.placementBrokers(), [2, 3]);
  });

  it('the last ISR member stays in the ISR; with no candidate the partition has no leader', async () => {
    const h = await threeBrokers();
    h.createTopic('t', [[1, 2]]);
    await h.control.alterPartition({ brokerId: 1, brokerEpoch: epochOf(h, 1), topics: [{ topicId: h.image.topicsByName.get('t')?.topicId ?? '', partitions: [{ partitionIndex: 0, leaderEpoch: 0, newIsr: [1], leaderRecoveryState: 0, partitionEpoch: 0 }] }] }, 2);
    assert.deepEqual(h.partition('t', 0).isr, [1]);
    await h.heartbeat(2, epochOf(h, 2), 5000);
    await h.heartbeat(3, epochOf(h, 3), 5000);
    assert.deepEqual(await h.control.fenceExpired(SESSION_TIMEOUT_MS + 1), [1]);
    assert.deepEqual([h.partition('t', 0).leader, h.partition('t', 0).isr], [-1, [1]]);
  });

  it('unfencing elects the broker for leaderless partitions whose ISR holds it', async () => {
    const h = await threeBrokers();
    h.createTopic('t', [[1, 2]]);
    h.createTopic('u', [[2, 3]]);
    await h.control.alterPartition({ brokerId: 1, brokerEpoch: epochOf(h, 1), topics: [{ topicId: h.image.topicsByName.get('t')?.topicId ?? '', partitions: [{ partitionIndex: 0, leaderEpoch: 0, newIsr: [1], leaderRecoveryState: 0, partitionEpoch: 0 }] }] }, 2);
    await h.heartbeat(2, epochOf(h, 2), 5000);
    await h.heartbeat(3, epochOf(h, 3), 5000);
    await h.control.fenceExpired(SESSION_TIMEOUT_MS + 1);
    assert.equal(h.partition('t', 0).leader, -1);
    const hb = await h.heartbeat(1, epochOf(h, 1), SESSION_TIMEOUT_MS + 2);
    assert.equal(hb.isFenced, false);
    assert.deepEqual([h.partition('t', 0).leader, h.partition('t', 0).isr, h.partition('t', 0).leaderEpoch], [1, [1], 2]);
    assert.equal(h.partition('u', 0).leader, 2, 'a partition with a leader keeps it');
  });

  it('with unclean leader election on, an out-of-sync replica leads, alone in the ISR, RECOVERING', async () => {
    const h = await threeBrokers();
    h.createTopic('t', [[1, 2]]);
    h.enableUncleanElection('t');
    await h.control.alterPartition({ brokerId: 1, brokerEpoch: epochOf(h, 1), topics: [{ topicId: h.image.topicsByName.get('t')?.topicId ?? '', partitions: [{ partitionIndex: 0, leaderEpoch: 0, newIsr: [1], leaderRecoveryState: 0, partitionEpoch: 0 }] }] }, 2);
    await h.heartbeat(2, epochOf(h, 2), 5000);
    await h.heartbeat(3, epochOf(h, 3), 5000);
    await h.control.fenceExpired(SESSION_TIMEOUT_MS + 1);
    const p = h.partition('t', 0);
    assert.deepEqual([p.leader, p.isr, p.leaderRecoveryState], [2, [2], 1]);
  });

  it('wantFence fences a live broker and moves its leaderships', async () => {
    const h = await threeBrokers();
    h.createTopic('t', [[1, 2, 3]]);
    const hb = await h.heartbeat(1, epochOf(h, 1), 10, { wantFence: true });
    assert.deepEqual([hb.isFenced, hb.shouldShutDown], [true, false]);
    assert.deepEqual([h.partition('t', 0).leader, h.partition('t', 0).isr], [2, [2, 3]]);
  });
});

describe('controller/ClusterControl: controlled shutdown', () => {
  it('moves the broker\'s leaderships and ISR places away, then lets it shut down once the others have them', async () => {
    const h = new ClusterHarness();
    const e1 = await h.liveBroker(1, 0);
    const e2 = await h.liveBroker(2, 0);
    h.createTopic('t', [[1, 2], [2, 1], [1]]);
    const first = await h.heartbeat(1, e1, 10, { wantShutDown: true });
    assert.deepEqual([first.isFenced, first.shouldShutDown], [false, false]);
    assert.equal(h.image.brokers.get(1)?.inControlledShutdown, true);
    assert.deepEqual([h.partition('t', 0).leader, h.partition('t', 0).isr], [2, [2]]);
    assert.deepEqual([h.partition('t', 1).leader, h.partition('t', 1).isr], [2, [2]]);
    assert.deepEqual([h.partition('t', 2).leader, h.partition('t', 2).isr], [-1, [1]], 'no other replica: no leader, the ISR keeps its last member');
    assert.deepEqual(h.control.placementBrokers(), [2]);

    // Broker 2 has not yet fetched the leadership moves: broker 1 must wait.
    await h.control.heartbeat({ brokerId: 2, brokerEpoch: e2, currentMetadataOffset: 0n, wantFence: false, wantShutDown: false }, 20);
    const waiting = await h.heartbeat(1, e1, 30, { wantShutDown: true });
    assert.deepEqual([waiting.isFenced, waiting.shouldShutDown], [false, false]);
    await h.heartbeat(2, e2, 40);
    const done = await h.heartbeat(1, e1, 50, { wantShutDown: true });
    assert.deepEqual([done.isFenced, done.shouldShutDown], [true, true]);
    assert.equal(h.image.brokers.get(1)?.fenced, true);
  });

  it('a broker leading nothing shuts down at once', async () => {
    const h = new ClusterHarness();
    const e1 = await h.liveBroker(1, 0);
    await h.liveBroker(2, 0);
    h.createTopic('t', [[2, 1]]);
    const hb = await h.heartbeat(1, e1, 10, { wantShutDown: true });
    assert.deepEqual([hb.isFenced, hb.shouldShutDown], [true, true]);
    assert.deepEqual(h.partition('t', 0).isr, [2], 'it leaves the ISRs as it is fenced');
  });
});

describe('controller/ClusterControl: preferred leader election', () => {
  it('moves leadership back to the first replica; ELECTION_NOT_NEEDED and PREFERRED_LEADER_NOT_AVAILABLE as Kafka', async () => {
    const h = new ClusterHarness();
    const e1 = await h.liveBroker(1, 0);
    await h.liveBroker(2, 0);
    h.createTopic('t', [[1, 2], [2, 1]]);
    await h.heartbeat(1, e1, 10, { wantFence: true });
    assert.equal(h.partition('t', 0).leader, 2);
    const notAvailable = await h.control.electPreferredLeaders([{ topic: 't', partitions: [0, 1, 5] }, { topic: 'nope', partitions: [0] }]);
    assert.deepEqual(notAvailable.map((o) => o.errorCode), [ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, ErrorCode.ELECTION_NOT_NEEDED, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    // Back, unfenced: it is not in the ISR, so the preferred election waits for it to rejoin.
    await h.heartbeat(1, e1, 20);
    const tId = h.image.topicsByName.get('t')?.topicId ?? '';
    const p0 = h.partition('t', 0);
    const e2 = h.image.brokers.get(2)?.epoch ?? -1n;
    await h.control.alterPartition({ brokerId: 2, brokerEpoch: e2, topics: [{ topicId: tId, partitions: [{ partitionIndex: 0, leaderEpoch: p0.leaderEpoch, newIsr: [2, 1], leaderRecoveryState: 0, partitionEpoch: p0.partitionEpoch }] }] }, 2);
    const all = await h.control.electPreferredLeaders(null);
    assert.deepEqual(all.map((o) => [o.topic, o.partition, o.errorCode]), [['t', 0, ErrorCode.NONE]], 'all partitions: those needing no election are left out');
    assert.equal(h.partition('t', 0).leader, 1);
  });
});

describe('controller/ClusterControl: unclean leader election', () => {
  it('elects a live replica outside the ISR of a leaderless partition (RECOVERING), whatever the topic config; ELECTION_NOT_NEEDED with a leader', async () => {
    const h = new ClusterHarness();
    const e1 = await h.liveBroker(1, 0);
    await h.liveBroker(2, 0);
    h.createTopic('t', [[1, 2], [2, 1]]);
    const tId = h.image.topicsByName.get('t')?.topicId ?? '';
    // Broker 1 alone in t-0's ISR, then fenced: t-0 has no leader, its ISR keeps 1.
    await h.control.alterPartition({ brokerId: 1, brokerEpoch: e1, topics: [{ topicId: tId, partitions: [{ partitionIndex: 0, leaderEpoch: 0, newIsr: [1], leaderRecoveryState: 0, partitionEpoch: 0 }] }] }, 2);
    await h.heartbeat(1, e1, 10, { wantFence: true });
    assert.deepEqual([h.partition('t', 0).leader, h.partition('t', 0).isr], [-1, [1]]);
    const preferred = await h.control.electLeaders('preferred', [{ topic: 't', partitions: [0] }]);
    assert.deepEqual(preferred.map((o) => o.errorCode), [ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE], 'a preferred election never goes outside the ISR');
    const out = await h.control.electLeaders('unclean', [{ topic: 't', partitions: [0, 1, 9] }]);
    assert.deepEqual(out.map((o) => [o.partition, o.errorCode]), [[0, ErrorCode.NONE], [1, ErrorCode.ELECTION_NOT_NEEDED], [9, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]);
    const p = h.partition('t', 0);
    assert.deepEqual([p.leader, p.isr, p.leaderRecoveryState], [2, [2], 1]);
    assert.deepEqual(await h.control.electLeaders('unclean', null), [], 'every partition: none needs an election, none is listed');
  });

  it('ELIGIBLE_LEADERS_NOT_AVAILABLE when no replica is live, and nothing is written', async () => {
    const h = new ClusterHarness();
    const e1 = await h.liveBroker(1, 0);
    const e2 = await h.liveBroker(2, 0);
    h.createTopic('t', [[1, 2]]);
    await h.heartbeat(1, e1, 10, { wantFence: true });
    await h.heartbeat(2, e2, 10, { wantFence: true });
    assert.deepEqual([h.partition('t', 0).leader, h.partition('t', 0).isr], [-1, [2]]);
    const written = h.written.length;
    const none = await h.control.electLeaders('unclean', null);
    assert.deepEqual(none.map((o) => [o.topic, o.partition, o.errorCode]), [['t', 0, ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE]]);
    assert.equal(h.written.length, written);
  });
});
