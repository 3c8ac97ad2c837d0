/**
 * A follower replicates over a socket: the leader's Partition is served by the real Fetch handler
 * behind a TCP listener (the real request path), and the follower's ReplicaFetcherManager fetches
 * through a ReplicaFetchTransport (Fetch v17, the replica id in replica_state). An acks=all append
 * completes only once the follower has fetched it, and the follower's log ends equal to the
 * leader's, batch for batch; a broker with no address rejects.
 *
 * The listener's services hold settings, clock, image (the topic), log and a replica lookup for
 * the Fetch handler (`replicas.get`, the only part of the ReplicaManager it calls); the rest are
 * absent (testing/request-listener.ts).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { systemClock } from '../io/clock.js';
import { realFileSystem as fs } from '../io/real-file-system.js';
import type { ReplicaManager } from '../partition/replica-manager.js';
import { Partition } from '../partition/partition.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { MetadataImage } from '../metadata/metadata-image.js';
import { ReplicaFetcherManager } from '../replication/fetcher-manager.js';
import { DEFAULT_LOG_CONFIG } from '../storage/log-config.js';
import { PartitionLog } from '../storage/partition-log.js';
import { makeBatch } from '../storage/test-batches.js';
import { TempDirs } from '../storage/test-dirs.js';
import { partialServices, serveRequests, type RequestListener } from '../testing/request-listener.js';
import { ReplicaFetchTransport } from './replica-fetch-transport.js';

const TOPIC = 'replicated';
const TOPIC_ID = 'q83vEjRWeJCrze8SNFZ4kA';

async function openReplica(root: string, id: number): Promise<Partition> {
  const log = await PartitionLog.open(fs, path.join(root, `broker-${id}`, `${TOPIC}-0`), DEFAULT_LOG_CONFIG, { clock: systemClock, topicId: TOPIC_ID });
  const p = new Partition(TOPIC, 0, TOPIC_ID, log, 0, false, 1 << 20, undefined, fs);
  p.minInsyncReplicas = 2;
  p.configureReplication({ localId: id, clock: systemClock, replicaLagTimeMaxMs: 30_000, alterIsr: (r) => Promise.resolve([...r.isr]) });
  return p;
}

/** Every batch of `p` as hex, from its log start to its LEO. */
async function batches(p: Partition): Promise<string[]> {
  const out: string[] = [];
  let offset = p.logStartOffset;
  for (let round = 0; round < 1000 && offset < p.logEndOffset; round++) {
    const r = await p.read(offset, 1 << 20, true, 'logEnd');
    if (r.kind !== 'ok' || r.records.length === 0) break;
    for (let at = 0; at + 61 <= r.records.length; ) {
      const size = r.records.readInt32BE(at + 8) + 12;
      if (at + size > r.records.length) break;
      out.push(r.records.subarray(at, at + size).toString('hex'));
      offset = Number(r.records.readBigInt64BE(at)) + r.records.readInt32BE(at + 23) + 1;
      at += size;
    }
  }
  return out;
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    assert.ok(Date.now() < deadline, what);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('cluster: replica fetching over a socket (ReplicaFetchTransport)', function () {
  this.timeout(20_000);
  const temp = new TempDirs();
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanup.reverse()) await c();
    cleanup.length = 0;
    await temp.cleanup();
  });

  it('a follower fetching through the real Fetch handler completes acks=all and ends with the leader log', async () => {
    const root = await temp.make();
    const leader = await openReplica(root, 1);
    const follower = await openReplica(root, 2);
    cleanup.push(() => leader.close(), () => follower.close());
    await leader.becomeLeader({ leaderEpoch: 0, replicas: [1, 2], isr: [1, 2] });
    follower.becomeFollower({ leaderEpoch: 0, leaderId: 1 });

    const image = new MetadataImage();
    image.replay({ type: 'topic', version: 0, data: { name: TOPIC, topicId: TOPIC_ID } }, 0);
    image.replay({ type: 'partition', version: 0, data: { partitionId: 0, topicId: TOPIC_ID, replicas: [1, 2], isr: [1, 2], removingReplicas: [], addingReplicas: [], leader: 1, leaderRecoveryState: 0, leaderEpoch: 0, partitionEpoch: 0, directories: [], eligibleLeaderReplicas: null, lastKnownElr: null } }, 1);
    const replicas = { get: (topic: string, partition: number) => (topic === TOPIC && partition === 0 ? leader : undefined) } as unknown as ReplicaManager;
    const listener: RequestListener = await serveRequests(partialServices(1, { image, replicas }));
    cleanup.push(() => listener.close());

    const transport = new ReplicaFetchTransport({ localId: 2, lookup: (id) => (id === 1 ? listener.address : undefined), clock: systemClock });
    const errors: string[] = [];
    const manager = new ReplicaFetcherManager({ localId: 2, clock: systemClock, transport, maxWaitMs: 100, backoffMs: 50, onError: (m) => errors.push(m) });
    cleanup.push(() => transport.close(), () => manager.stop());
    await manager.follow(follower);

    const first = await leader.appendFromClient(makeBatch({ records: 3, seed: 1 }), -1, null, 0, undefined, 10_000);
    assert.equal(first.kind === 'rejected' ? first.errorCode : ErrorCode.NONE, ErrorCode.NONE, 'acks=all answered once the follower fetched over the socket');
    const second = await leader.appendFromClient(makeBatch({ records: 2, seed: 2 }), -1, null, 0, undefined, 10_000);
    assert.equal(second.kind === 'rejected' ? second.errorCode : ErrorCode.NONE, ErrorCode.NONE);
    await until(() => follower.logEndOffset === 5 && follower.highWatermark === 5, `follower LEO ${follower.logEndOffset} HW ${follower.highWatermark}`);
    assert.deepEqual(await batches(follower), await batches(leader));
    assert.equal((await batches(leader)).length, 2);
    assert.deepEqual(errors, []);
  });

  it('a broker with no registered address rejects the fetch', async () => {
    const transport = new ReplicaFetchTransport({ localId: 2, lookup: () => undefined, clock: systemClock });
    const request = { replicaId: 2, maxWaitMs: 0, minBytes: 1, topics: [], forgottenTopicsData: [], rackId: '', clusterId: null, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, maxBytes: 1 << 20 };
    await assert.rejects(transport.fetch(7, request), /broker 7 is not registered/);
    transport.close();
  });
});
