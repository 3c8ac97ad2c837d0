import assert from 'node:assert/strict';
import { settle, type ManualClock } from '../../testing/manual-clock.js';
import { ReplicaCluster } from '../../testing/replica-cluster.js';
import { silentLogger } from '../../util/logger.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { Reader } from '../../protocol/codec/reader.js';
import { Writer } from '../../protocol/codec/writer.js';
import { decodeWriteTxnMarkersRequest, encodeWriteTxnMarkersRequest, type WriteTxnMarkersRequest } from '../../protocol/generated/messages/write-txn-markers-request.js';
import { decodeWriteTxnMarkersResponse, encodeWriteTxnMarkersResponse, type WriteTxnMarkersResponse } from '../../protocol/generated/messages/write-txn-markers-response.js';
import type { Partition } from '../../partition/partition.js';
import type { Clock } from '../../io/clock.js';
import type { CoordinatorLog } from '../runtime.js';
import { TxnCoordinator, type MarkerWriter } from './txn-coordinator.js';
import { routedMarkerWriter } from './routed-markers.js';

class MemoryLog implements CoordinatorLog {
  batches: Buffer[] = [];
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
  async read(offset: number): Promise<Buffer | null> {
    return Buffer.concat(this.batches.filter((b) => Number(b.readBigInt64BE(0)) + b.readInt32BE(23) >= offset));
  }
  async append(batch: Buffer): Promise<{ baseOffset: number }> {
    const baseOffset = this.end;
    batch.writeBigInt64BE(BigInt(baseOffset), 0);
    this.end += batch.readInt32BE(57);
    this.batches.push(Buffer.from(batch));
    return { baseOffset };
  }
}

const LOCAL_ID = 1;

/** A data partition's marker written the way WriteTxnMarkers does it on its leader. */
async function writeOn(p: Partition | undefined, clock: Clock, producerId: bigint, producerEpoch: number, commit: boolean, coordinatorEpoch: number): Promise<number> {
  if (p === undefined) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  return (await p.appendTxnMarker(producerId, producerEpoch, commit, coordinatorEpoch, clock.nowMs())).errorCode;
}

/**
 * Three "brokers": this one (1) leads topic `b`; topics `a` and `c` are replicated on brokers 2 and
 * 3. Requests to other brokers go through the WriteTxnMarkers v1 codecs both ways and are served
 * by that broker's replica (NOT_LEADER_OR_FOLLOWER from a follower, as Kafka's partition answers).
 */
class Brokers {
  readonly leaders = new Map<string, number>();
  readonly sent: { brokerId: number; request: WriteTxnMarkersRequest }[] = [];
  private constructor(readonly clusters: Map<string, ReplicaCluster>) {}

  static async start(): Promise<Brokers> {
    const clusters = new Map([
      ['a', await ReplicaCluster.start({ brokers: [2, 3] })],
      ['b', await ReplicaCluster.start({ brokers: [LOCAL_ID] })],
      ['c', await ReplicaCluster.start({ brokers: [2, 3] })],
    ]);
    const b = new Brokers(clusters);
    for (const t of ['a', 'b', 'c']) b.leaders.set(t, b.cluster(t).leader);
    return b;
  }

  cluster(topic: string): ReplicaCluster {
    const c = this.clusters.get(topic);
    if (c === undefined) throw new Error(topic);
    return c;
  }

  get clock(): ManualClock {
    return this.cluster('b').clock;
  }

  readonly local: MarkerWriter = (topic, partition, producerId, epoch, commit, coordinatorEpoch) =>
    writeOn(partition === 0 ? this.clusters.get(topic)?.replicas.get(LOCAL_ID) : undefined, this.clock, producerId, epoch, commit, coordinatorEpoch);

  async send(brokerId: number, request: WriteTxnMarkersRequest): Promise<WriteTxnMarkersResponse> {
    this.sent.push({ brokerId, request });
    const w = new Writer();
    encodeWriteTxnMarkersRequest(w, 1, request);
    const received = decodeWriteTxnMarkersRequest(new Reader(w.toBuffer()), 1);
    const markers = await Promise.all(received.markers.map(async (m) => ({
      producerId: m.producerId,
      topics: await Promise.all(m.topics.map(async (t) => ({
        name: t.name,
        partitions: await Promise.all(t.partitionIndexes.map(async (p) => ({
          partitionIndex: p,
          errorCode: await writeOn(p === 0 ? this.clusters.get(t.name)?.replicas.get(brokerId) : undefined, this.clock, m.producerId, m.producerEpoch, m.transactionResult, m.coordinatorEpoch),
        }))),
      }))),
    })));
    const out = new Writer();
    encodeWriteTxnMarkersResponse(out, 1, { markers });
    return decodeWriteTxnMarkersResponse(new Reader(out.toBuffer()), 1);
  }

  writer(): MarkerWriter {
    return routedMarkerWriter({
      localId: LOCAL_ID,
      leaderOf: (topic, partition) => (partition === 0 ? (this.leaders.get(topic) ?? -1) : -1),
      local: this.local,
      send: (id, r) => this.send(id, r),
      logger: silentLogger,
    });
  }

  async close(): Promise<void> {
    for (const c of this.clusters.values()) await c.close();
  }
}

function coordinator(brokers: Brokers, log: MemoryLog, epoch: number): TxnCoordinator {
  let nextId = 100n;
  const c = new TxnCoordinator({
    config: { numPartitions: 1, maxTimeoutMs: 900_000, abortTimedOutIntervalMs: 3_600_000, idExpirationMs: 7 * 24 * 3600_000, removeExpiredIntervalMs: 3_600_000 },
    clock: brokers.clock,
    logger: silentLogger,
    nodeId: LOCAL_ID,
    topicExists: () => true,
    createTopic: async () => undefined,
    generateProducerId: async () => nextId++,
    writeMarker: brokers.writer(),
    partitionExists: (topic, partition) => brokers.clusters.has(topic) && partition === 0,
  });
  c.hostPartition(0, log, epoch);
  return c;
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await settle();
  assert.ok(cond(), `still waiting for: ${what}`);
}

const ALL = [{ topic: 'a', partitions: [0] }, { topic: 'b', partitions: [0] }, { topic: 'c', partitions: [0] }];

describe('transaction coordinator: routed markers and leadership', () => {
  let brokers: Brokers;
  beforeEach(async () => {
    brokers = await Brokers.start();
  });
  afterEach(() => brokers.close());

  it('sends markers to each partition\'s leader, one request per broker; after NOT_LEADER_OR_FOLLOWER looks the leader up again', async () => {
    // Leadership of a-0 and c-0 moved to broker 3 (ISR of one); the metadata here still says 2.
    await brokers.cluster('a').elect(3, 1, [3]);
    await brokers.cluster('c').elect(3, 1, [3]);
    const c = coordinator(brokers, new MemoryLog(), 0);
    await c.whenLoaded();
    const { producerId } = await c.initProducerId('tx', 60_000, null);
    assert.equal((await c.addPartitions('tx', producerId, 0, ALL)).errorCode, ErrorCode.NONE);
    let answer: number | null = null;
    void c.endTxn('tx', producerId, 0, true).then((r) => (answer = r));
    await until(() => brokers.sent.length === 1, 'the first WriteTxnMarkers');
    const first = brokers.sent[0];
    assert.equal(first?.brokerId, 2);
    assert.deepEqual(first?.request.markers.map((m) => [m.producerId, m.transactionResult, m.topics.map((t) => `${t.name}-${t.partitionIndexes.join(',')}`)]), [[producerId, true, ['a-0', 'c-0']]], 'one request to broker 2 with both partitions');
    await until(() => brokers.cluster('b').replica(LOCAL_ID).logEndOffset === 1, 'the local marker');
    await settle();
    assert.equal(answer, null, 'broker 2 answered NOT_LEADER_OR_FOLLOWER: retried after the backoff');
    brokers.leaders.set('a', 3);
    brokers.leaders.set('c', 3);
    await brokers.clock.advance(200);
    await until(() => answer !== null, 'EndTxn answered');
    assert.equal(answer, ErrorCode.NONE);
    // The retries go to the leader named now (each marker on its own backoff timer).
    const retried = brokers.sent.slice(1);
    assert.ok(retried.length > 0 && retried.every((s) => s.brokerId === 3));
    assert.deepEqual(retried.flatMap((s) => s.request.markers.flatMap((m) => m.topics.map((t) => t.name))).sort(), ['a', 'c']);
    for (const t of ['a', 'c']) {
      assert.equal(brokers.cluster(t).replica(3).logEndOffset, 1, `the marker is in ${t}-0 on broker 3`);
      assert.equal(brokers.cluster(t).replica(2).logEndOffset, 0);
    }
    assert.equal((await c.describe('tx')).state, 'CompleteCommit');
    c.close();
  });

  it('resigning while markers are retried ends EndTxn with NOT_COORDINATOR at once; the next leadership completes the transaction', async () => {
    // Broker 2 leads a-0 and c-0 alone (acks=all needs no follower).
    await brokers.cluster('a').elect(2, 1, [2]);
    await brokers.cluster('c').elect(2, 1, [2]);
    const log = new MemoryLog();
    const c = coordinator(brokers, log, 0);
    await c.whenLoaded();
    const { producerId } = await c.initProducerId('tx', 60_000, null);
    assert.equal((await c.addPartitions('tx', producerId, 0, ALL)).errorCode, ErrorCode.NONE);
    brokers.leaders.set('a', -1); // no leader known: retried until one is
    let answer: number | null = null;
    void c.endTxn('tx', producerId, 0, false).then((r) => (answer = r));
    await until(() => brokers.sent.length === 1, 'the marker to broker 2 (c-0)');
    await settle();
    assert.equal(answer, null);
    c.resignPartition(0, 0);
    await until(() => answer !== null, 'EndTxn answered without time passing');
    assert.equal(answer, ErrorCode.NOT_COORDINATOR);
    assert.equal((await c.describe('tx')).errorCode, ErrorCode.NOT_COORDINATOR);
    assert.equal(await c.endTxn('tx', producerId, 0, false), ErrorCode.NOT_COORDINATOR);
    await brokers.clock.advance(1000);
    assert.equal(brokers.sent.length, 1, 'no retries after resigning');

    // Leadership comes back (a newer epoch) and a-0 has a leader again: the load finds PrepareAbort and completes it.
    brokers.leaders.set('a', 2);
    c.hostPartition(0, log, 1);
    await c.whenLoaded();
    await until(() => brokers.cluster('a').replica(2).logEndOffset === 1, 'the abort marker in a-0');
    // Empty, Ongoing, PrepareAbort, then CompleteAbort.
    await until(() => log.end === 4, 'CompleteAbort written');
    assert.equal((await c.describe('tx')).state, 'CompleteAbort');
    c.close();
  });
});
