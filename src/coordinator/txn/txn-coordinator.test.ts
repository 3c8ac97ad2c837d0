import assert from 'node:assert/strict';
import { ManualClock, settle } from '../../testing/manual-clock.js';
import { silentLogger } from '../../util/logger.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { CoordinatorLog } from '../runtime.js';
import { TxnCoordinator, type TxnConfig } from './txn-coordinator.js';
import { decodeTxnKey, decodeTxnValue, transactionPartitionFor, TxnState, txnRecord } from './records.js';
import { decodeRecordBatch } from '../../protocol/records/record-batch-reader.js';

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

const CONFIG: TxnConfig = { numPartitions: 1, maxTimeoutMs: 900_000, abortTimedOutIntervalMs: 1000, idExpirationMs: 7 * 24 * 3600_000, removeExpiredIntervalMs: 3600_000 };

interface Marker {
  topic: string;
  partition: number;
  producerId: bigint;
  epoch: number;
  commit: boolean;
}

function coordinator(log: MemoryLog, clock: ManualClock, markers: Marker[], markerCode = (): number => ErrorCode.NONE): TxnCoordinator {
  let nextId = 100n;
  const c = new TxnCoordinator({
    config: CONFIG,
    clock,
    logger: silentLogger,
    nodeId: 1,
    topicExists: () => true,
    createTopic: async () => undefined,
    generateProducerId: async () => nextId++,
    writeMarker: async (topic, partition, producerId, epoch, commit) => {
      const code = markerCode();
      if (code === ErrorCode.NONE) markers.push({ topic, partition, producerId, epoch, commit });
      return code;
    },
    partitionExists: (topic) => topic !== 'missing',
  });
  c.hostPartition(0, log, 0);
  return c;
}

async function states(log: MemoryLog): Promise<number[]> {
  const out: number[] = [];
  for (const b of log.batches) for (const r of (await decodeRecordBatch(b)).records) if (r.value !== null) out.push(decodeTxnValue(r.value).state);
  return out;
}

describe('transaction coordinator', () => {
  it('Kafka\'s record bytes and partitioning', () => {
    const r = txnRecord('tx', { producerId: 7n, producerEpoch: 2, txnTimeoutMs: 60000, state: TxnState.Ongoing, partitions: new Map([['t', [0, 2]]]), txnLastUpdateTimestampMs: 5, txnStartTimestampMs: 4 });
    assert.equal(r.key.toString('hex'), '000000027478');
    assert.equal(decodeTxnKey(r.key), 'tx');
    const v = decodeTxnValue(r.value as Buffer);
    assert.deepEqual([v.producerId, v.producerEpoch, v.state, [...v.partitions]], [7n, 2, TxnState.Ongoing, [['t', [0, 2]]]]);
    // Utils.abs(hashCode) % n: "polygenelubricants".hashCode() is Integer.MIN_VALUE -> 0.
    assert.equal(transactionPartitionFor('polygenelubricants', 50), 0);
    assert.equal(transactionPartitionFor('a', 50), 97 % 50);
  });

  it('init, add partitions, commit: markers to every partition, then CompleteCommit; retries answer NONE', async () => {
    const log = new MemoryLog();
    const clock = new ManualClock();
    const markers: Marker[] = [];
    const c = coordinator(log, clock, markers);
    await c.whenLoaded();
    const init = await c.initProducerId('tx', 60000, null);
    assert.deepEqual(init, { errorCode: ErrorCode.NONE, producerId: 100n, producerEpoch: 0 });
    assert.equal((await c.addPartitions('tx', 100n, 0, [{ topic: 't', partitions: [0, 1] }])).errorCode, ErrorCode.NONE);
    assert.equal((await c.addPartitions('tx', 100n, 0, [{ topic: '__consumer_offsets', partitions: [3] }])).errorCode, ErrorCode.NONE);
    assert.equal(await c.endTxn('tx', 100n, 0, true), ErrorCode.NONE);
    assert.deepEqual(markers.map((m) => `${m.topic}-${m.partition}:${m.commit}:${m.epoch}`).sort(), ['__consumer_offsets-3:true:0', 't-0:true:0', 't-1:true:0']);
    assert.deepEqual(await states(log), [TxnState.Empty, TxnState.Ongoing, TxnState.Ongoing, TxnState.PrepareCommit, TxnState.CompleteCommit]);
    assert.equal(await c.endTxn('tx', 100n, 0, true), ErrorCode.NONE, 'a retried commit');
    assert.equal(await c.endTxn('tx', 100n, 0, false), ErrorCode.INVALID_TXN_STATE);
    assert.equal(await c.endTxn('tx', 999n, 0, true), ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    const d = await c.describe('tx');
    assert.deepEqual([d.state, d.producerId, d.topics], ['CompleteCommit', 100n, []]);
    assert.equal((await c.describe('nope')).errorCode, ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    c.close();
  });

  it('a new InitProducerId fences the old producer and aborts its open transaction with a bumped epoch', async () => {
    const log = new MemoryLog();
    const clock = new ManualClock();
    const markers: Marker[] = [];
    const c = coordinator(log, clock, markers);
    await c.whenLoaded();
    await c.initProducerId('tx', 60000, null);
    await c.addPartitions('tx', 100n, 0, [{ topic: 't', partitions: [0] }]);
    const second = await c.initProducerId('tx', 60000, null);
    assert.deepEqual(second, { errorCode: ErrorCode.NONE, producerId: 100n, producerEpoch: 2 });
    assert.deepEqual(markers, [{ topic: 't', partition: 0, producerId: 100n, epoch: 1, commit: false }]);
    assert.equal((await c.addPartitions('tx', 100n, 0, [{ topic: 't', partitions: [1] }])).errorCode, ErrorCode.PRODUCER_FENCED);
    assert.equal(await c.endTxn('tx', 100n, 0, true), ErrorCode.PRODUCER_FENCED);
    // KIP-360: a request carrying another producer id is fenced; the current one may bump.
    assert.equal((await c.initProducerId('tx', 60000, { producerId: 5n, producerEpoch: 0 })).errorCode, ErrorCode.PRODUCER_FENCED);
    assert.deepEqual(await c.initProducerId('tx', 60000, { producerId: 100n, producerEpoch: 2 }), { errorCode: ErrorCode.NONE, producerId: 100n, producerEpoch: 3 });
    assert.equal((await c.initProducerId('tx', 0, null)).errorCode, ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    assert.equal((await c.addPartitions('tx', 100n, 3, [{ topic: 'missing', partitions: [0] }, { topic: 't', partitions: [0] }])).perPartition?.get('t\u00000'), ErrorCode.OPERATION_NOT_ATTEMPTED);
    c.close();
  });

  it('aborts a transaction that outlives its timeout', async () => {
    const log = new MemoryLog();
    const clock = new ManualClock();
    const markers: Marker[] = [];
    const c = coordinator(log, clock, markers);
    await c.whenLoaded();
    await c.initProducerId('tx', 5000, null);
    await c.addPartitions('tx', 100n, 0, [{ topic: 't', partitions: [0] }]);
    await clock.advance(3000);
    assert.equal(markers.length, 0);
    await clock.advance(3000);
    assert.deepEqual(markers, [{ topic: 't', partition: 0, producerId: 100n, epoch: 1, commit: false }]);
    assert.equal((await c.describe('tx')).state, 'CompleteAbort');
    assert.equal(await c.endTxn('tx', 100n, 0, true), ErrorCode.PRODUCER_FENCED);
    assert.deepEqual(c.list(['CompleteAbort'], [], -1).transactions.map((t) => t.transactionalId), ['tx']);
    assert.deepEqual(c.list(['Bogus'], [], -1).unknownStateFilters, ['Bogus']);
    c.close();
  });

  it('reloads from its partition and completes a transaction a crash left in PrepareCommit', async () => {
    const log = new MemoryLog();
    const clock = new ManualClock();
    const markers: Marker[] = [];
    let failMarkers = true;
    const c = coordinator(log, clock, markers, () => (failMarkers ? ErrorCode.KAFKA_STORAGE_ERROR : ErrorCode.NONE));
    await c.whenLoaded();
    await c.initProducerId('tx', 60000, null);
    await c.addPartitions('tx', 100n, 0, [{ topic: 't', partitions: [0] }]);
    void c.endTxn('tx', 100n, 0, true);
    await settle();
    c.close(); // the "crash": PrepareCommit is in the log, no marker was written
    await clock.advance(500);
    assert.equal((await states(log)).at(-1), TxnState.PrepareCommit);
    failMarkers = false;
    const c2 = coordinator(log, clock, markers);
    await c2.whenLoaded();
    await settle();
    assert.deepEqual(markers, [{ topic: 't', partition: 0, producerId: 100n, epoch: 0, commit: true }]);
    assert.equal((await c2.describe('tx')).state, 'CompleteCommit');
    assert.deepEqual(await c2.initProducerId('tx', 60000, null), { errorCode: ErrorCode.NONE, producerId: 100n, producerEpoch: 1 });
    c2.close();
  });
});
