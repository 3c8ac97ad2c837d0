/**
 * Replication throttles (KIP-73) on both sides of one partition's replication, on a manual clock:
 * the leader's answer to a replica's fetch (partition/replica-fetch.ts) and the follower's fetch
 * request (replica-fetcher.ts), each driven by a real ReplicationQuotaManager whose bound and
 * throttled replicas the test changes as a dynamic config change would.
 */
import assert from 'node:assert/strict';
import type { FetchRequest } from '../protocol/generated/messages/fetch-request.js';
import { fetchForReplica, type ReplicaFetch } from '../partition/replica-fetch.js';
import { ReplicationQuotaManager } from '../partition/replication-quota.js';
import { makeBatch } from '../storage/test-batches.js';
import { settle } from '../testing/manual-clock.js';
import { ReplicaCluster, TOPIC } from '../testing/replica-cluster.js';
import { ReplicaFetcher, type FetchTransport } from './replica-fetcher.js';

const UNBOUNDED = Number.MAX_SAFE_INTEGER;

function quotaOf(c: ReplicaCluster, localId: number, state: { rate: number; replicas: string }): ReplicationQuotaManager {
  return new ReplicationQuotaManager({
    localId,
    clock: c.clock,
    windows: 11,
    windowMs: 1000,
    rate: () => state.rate,
    throttledReplicas: (topic) => (topic === TOPIC ? state.replicas : undefined),
  });
}

/** Appends `n` batches on the leader (acks=1) and waits until they are written. */
async function produce(c: ReplicaCluster, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await c.leaderReplica.appendFromClient(makeBatch({ records: 2, seed: i, payloadBytes: 200 }), 1, null, 0);
  for (let i = 0; i < 100 && !c.leaderWritesDone(); i++) await settle();
  assert.ok(c.leaderWritesDone());
}

const recordsOf = (r: Awaited<ReturnType<typeof fetchForReplica>>): number => {
  assert.equal(r.kind, 'read');
  assert.ok(r.kind === 'read' && r.read.kind === 'ok', `read ${JSON.stringify(r)}`);
  return r.kind === 'read' && r.read.kind === 'ok' ? r.read.records.length : -1;
};

describe('replication throttles (KIP-73)', function () {
  this.timeout(20000);
  let c: ReplicaCluster;
  afterEach(async () => c?.close());

  it('leader: a throttled partition answers an out-of-sync replica no records while the leader quota is exceeded; in-sync and unthrottled fetches read', async () => {
    c = await ReplicaCluster.start();
    await c.elect(1, 1, [1, 2]); // 3 is not in the ISR
    await produce(c, 3);
    await c.catchUp([2]); // the HW at the log end: 3's fetches from offset 0 do not bring it into the ISR
    const state = { rate: 100, replicas: '0:1' };
    const quota = quotaOf(c, 1, state);
    quota.record(1000); // 1000 B/s > 100
    const fetch = (replicaId: number, fetchOffset = 0): ReturnType<typeof fetchForReplica> => {
      const f: ReplicaFetch = { replicaId, fetchOffset, lastFetchedEpoch: -1, currentLeaderEpoch: 1, followerLogStartOffset: 0, maxBytes: 1 << 20, minOneMessage: true };
      return fetchForReplica(c.leaderReplica, f, quota);
    };
    assert.equal(recordsOf(await fetch(3)), 0, 'throttled: no records');
    assert.equal(c.leaderReplica.leadership?.follower(3)?.logEndOffset, 0, 'the throttled fetch still reports the follower\'s LEO');
    const past = await fetch(3, 1000);
    assert.ok(past.kind === 'read' && past.read.kind === 'outOfRange', 'a throttled fetch still checks its offset');
    assert.ok(recordsOf(await fetch(2)) > 0, 'an in-sync replica is not throttled');
    state.replicas = '0:2';
    assert.ok(recordsOf(await fetch(3)) > 0, 'the partition is throttled on broker 2, not on this leader');
    state.replicas = '*';
    assert.equal(recordsOf(await fetch(3)), 0, '* throttles every partition');
    state.rate = UNBOUNDED; // the dynamic config deleted
    assert.ok(recordsOf(await fetch(3)) > 0, 'unbounded: reads');
    state.rate = 100;
    c.clock.now += 20_000; // the recorded bytes leave the 11 windows
    assert.ok(recordsOf(await fetch(3)) > 0, 'under the bound again: reads');
    assert.deepEqual(c.isr, [1, 2], '3 stayed out of the ISR throughout');
  });

  it('follower: an out-of-sync throttled partition is left out of the fetch while the follower quota is exceeded; its bytes are recorded', async () => {
    c = await ReplicaCluster.start();
    await c.elect(1, 1, [1, 2]);
    await produce(c, 4);
    await c.catchUp([2]); // the HW reaches the leader's log end
    assert.equal(c.leaderReplica.highWatermark, c.leaderReplica.logEndOffset);
    const sent: FetchRequest[] = [];
    const transport: FetchTransport = { fetch: (b, req) => (sent.push(req), c.transport.fetch(b, req)) };
    const state = { rate: UNBOUNDED, replicas: '0:3' };
    const quota = quotaOf(c, 3, state);
    // One batch per fetch (partition max bytes 1, at least one batch), so it stays behind the HW a while.
    const fetcher = new ReplicaFetcher(1, { localId: 3, clock: c.clock, transport, maxWaitMs: 0, partitionMaxBytes: 1, backoffMs: 100, quota });
    fetcher.addPartition(c.replica(3));
    const follower = c.replica(3);

    assert.deepEqual([...(await fetcher.fetchOnce()).values()], ['appended']);
    assert.equal(quota.byteRate(), follower.sizeInBytes, 'the appended bytes were recorded');
    state.rate = 1; // exceeded now
    const before = sent.length;
    assert.equal((await fetcher.fetchOnce()).size, 0);
    assert.equal(sent.length, before, 'no fetch sent: the only partition is throttled');
    state.replicas = '0:2'; // throttled on another broker only
    assert.deepEqual([...(await fetcher.fetchOnce()).values()], ['appended']);
    state.replicas = '*';
    assert.equal((await fetcher.fetchOnce()).size, 0, '* throttles it again');
    state.rate = UNBOUNDED;
    for (let i = 0; i < 10 && follower.logEndOffset < c.leaderReplica.logEndOffset; i++) await fetcher.fetchOnce();
    assert.equal(follower.logEndOffset, c.leaderReplica.logEndOffset);
    await fetcher.fetchOnce(); // in sync: no lag behind the leader's HW
    state.rate = 1;
    const inSync = sent.length;
    await fetcher.fetchOnce();
    assert.equal(sent.length, inSync + 1, 'an in-sync partition is fetched although the quota is exceeded');
  });
});
