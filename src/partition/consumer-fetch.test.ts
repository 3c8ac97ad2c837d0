import assert from 'node:assert/strict';
import * as path from 'node:path';
import { realFileSystem as fs } from '../io/real-file-system.js';
import { DEFAULT_LOG_CONFIG } from '../storage/log-config.js';
import { PartitionLog } from '../storage/partition-log.js';
import { makeBatch } from '../storage/test-batches.js';
import { TempDirs } from '../storage/test-dirs.js';
import { ManualClock } from '../testing/manual-clock.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { Partition } from './partition.js';
import { buildRecordBatch } from '../protocol/records/record-batch-builder.js';
import { fetchForConsumer, type ConsumerFetch } from './consumer-fetch.js';
import type { ReplicaSelection } from './replica-selector.js';

const RACKS = new Map<number, string | null>([[1, 'a'], [2, 'b'], [3, 'c']]);

describe('partition/consumer-fetch (fetch from follower)', () => {
  const temp = new TempDirs();
  afterEach(() => temp.cleanup());
  const clock = new ManualClock();

  async function replica(localId: number): Promise<Partition> {
    const log = await PartitionLog.open(fs, path.join(await temp.make(), 't-0'), DEFAULT_LOG_CONFIG);
    const p = new Partition('t', 0, 'AAECAwQFBgcICQoLDA0ODw', log, 0, false, 1_000_000);
    p.configureReplication({ localId, clock, replicaLagTimeMaxMs: 30_000, alterIsr: (r) => Promise.resolve(r.isr) });
    return p;
  }

  /** A leader (1) of replicas 1,2,3 with 6 records, and a follower (2) that has them all but was told HW 3. */
  async function leaderAndFollower(): Promise<{ leader: Partition; follower: Partition }> {
    const leader = await replica(1);
    await leader.becomeLeader({ leaderEpoch: 1, replicas: [1, 2, 3], isr: [1, 2, 3] });
    for (let i = 0; i < 3; i++) await leader.append(makeBatch({ records: 2 }), 1);
    const follower = await replica(2);
    follower.becomeFollower({ leaderEpoch: 1, leaderId: 1 });
    const all = await leader.read(0, 1 << 20, true, 'logEnd');
    assert.equal(all.kind, 'ok');
    if (all.kind === 'ok') await follower.appendAsFollower(all.records);
    follower.updateFollowerHighWatermark(4);
    return { leader, follower };
  }

  const selection = (clientRack: string): ReplicaSelection => ({
    selector: 'rackAware', clientRack, nowMs: clock.nowMs(), brokers: (id) => (RACKS.has(id) ? { rack: RACKS.get(id) ?? null } : undefined),
  });
  const fetch = (over: Partial<ConsumerFetch> = {}): ConsumerFetch => ({
    fetchOffset: 0, maxBytes: 1 << 20, minOneMessage: true, readCommitted: false, currentLeaderEpoch: 1, fromAnyReplica: true, selection: null, ...over,
  });

  it('a follower serves a v11+ consumer up to its own HW, not the leader\'s; below v11 it answers NOT_LEADER_OR_FOLLOWER', async () => {
    const { leader, follower } = await leaderAndFollower();
    assert.equal(leader.highWatermark, 0, 'no follower has fetched yet: the leader HW waits for the ISR');
    const r = await fetchForConsumer(follower, fetch());
    assert.equal(r.kind, 'read');
    if (r.kind !== 'read' || r.read.kind !== 'ok') return assert.fail('expected records');
    assert.equal(r.read.highWatermark, 4);
    assert.ok(r.read.records.length > 0);
    const between = await fetchForConsumer(follower, fetch({ fetchOffset: 5 }));
    assert.ok(between.kind === 'read' && between.read.kind === 'ok' && between.read.records.length === 0, 'between HW and LEO: nothing yet');
    const past = await fetchForConsumer(follower, fetch({ fetchOffset: 7 }));
    assert.ok(past.kind === 'read' && past.read.kind === 'outOfRange', 'past the follower LEO: OFFSET_OUT_OF_RANGE');
    assert.deepEqual(await fetchForConsumer(follower, fetch({ fromAnyReplica: false })), { kind: 'error', errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER });
    assert.deepEqual(await fetchForConsumer(follower, fetch({ currentLeaderEpoch: 0 })), { kind: 'error', errorCode: ErrorCode.FENCED_LEADER_EPOCH });
    assert.deepEqual(await fetchForConsumer(follower, fetch({ currentLeaderEpoch: 2 })), { kind: 'error', errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH });
    await leader.close();
    await follower.close();
  });

  it('the leader sends a consumer in rack b to follower 2 once it is caught up, with no records; rack a (its own) and unknown racks read here', async () => {
    const { leader, follower } = await leaderAndFollower();
    const leadership = leader.leadership;
    assert.ok(leadership !== null);
    // Follower 2 has fetched to offset 6 (the leader's LEO); 3 has fetched nothing.
    leadership.onFollowerFetch(2, 6, 0, 6);
    const preferred = await fetchForConsumer(leader, fetch({ selection: selection('b') }));
    assert.equal(preferred.kind, 'preferredReplica');
    if (preferred.kind === 'preferredReplica') assert.equal(preferred.replicaId, 2);
    for (const rack of ['a', 'z', '']) assert.equal((await fetchForConsumer(leader, fetch({ selection: selection(rack) }))).kind, 'read', `rack '${rack}'`);
    // Replica 3 (rack c) has not fetched: its LEO is unknown, below any fetch offset, so it is not offered.
    assert.equal((await fetchForConsumer(leader, fetch({ selection: selection('c') }))).kind, 'read');
    // A fetch offset past follower 2's LEO: the leader serves it.
    leadership.onFollowerFetch(2, 4, 0, 6);
    assert.equal((await fetchForConsumer(leader, fetch({ fetchOffset: 5, selection: selection('b') }))).kind, 'read');
    await leader.close();
    await follower.close();
  });

  it('a follower out of the ISR, or whose broker is fenced or unregistered, is not offered', async () => {
    const { leader, follower } = await leaderAndFollower();
    const leadership = leader.leadership;
    assert.ok(leadership !== null);
    leadership.onFollowerFetch(2, 6, 0, 6);
    const unregistered: ReplicaSelection = { ...selection('b'), brokers: (id) => (id === 2 ? undefined : { rack: RACKS.get(id) ?? null }) };
    assert.equal((await fetchForConsumer(leader, fetch({ selection: unregistered }))).kind, 'read');
    await leader.becomeLeader({ leaderEpoch: 1, replicas: [1, 2, 3], isr: [1, 3] });
    assert.equal((await fetchForConsumer(leader, fetch({ selection: selection('b') }))).kind, 'read');
    await leader.close();
    await follower.close();
  });

  it('read_committed on a follower stops at its own LSO (the open transaction it replicated)', async () => {
    const leader = await replica(1);
    await leader.becomeLeader({ leaderEpoch: 1, replicas: [1, 2], isr: [1, 2] });
    await leader.append(makeBatch({ records: 2 }), 1);
    const txn = await buildRecordBatch({ baseOffset: 0, producerId: 5n, producerEpoch: 0, baseSequence: 0, isTransactional: true, records: [{ value: 'a', timestamp: 1 }, { value: 'b', timestamp: 1 }] });
    const appended = await leader.appendFromClient(txn, 1, { producerId: 5n, epoch: 0, firstSeq: 0, lastSeq: 1, isTransactional: true }, 1);
    assert.equal(appended.kind, 'appended');
    const follower = await replica(2);
    follower.becomeFollower({ leaderEpoch: 1, leaderId: 1 });
    const all = await leader.read(0, 1 << 20, true, 'logEnd');
    if (all.kind === 'ok') await follower.appendAsFollower(all.records);
    follower.updateFollowerHighWatermark(4);
    const committed = await fetchForConsumer(follower, fetch({ readCommitted: true }));
    if (committed.kind !== 'read' || committed.read.kind !== 'ok') return assert.fail('expected a read');
    assert.equal(committed.read.lastStableOffset, 2);
    assert.equal(committed.read.highWatermark, 4);
    const uncommitted = await fetchForConsumer(follower, fetch());
    assert.ok(uncommitted.kind === 'read' && uncommitted.read.kind === 'ok');
    assert.ok(committed.read.records.length > 0 && committed.read.records.length < uncommitted.read.records.length, 'the open transaction is not read_committed-visible');
    await leader.close();
    await follower.close();
  });
});
