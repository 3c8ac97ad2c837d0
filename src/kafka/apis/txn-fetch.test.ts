/**
 * The partition side of transactions on an embedded node, with exact batches: an open transaction
 * holds the last stable offset (read_committed Fetch and ListOffsets stop there), an ABORT marker
 * written through WriteTxnMarkers releases it and read_committed Fetch lists the aborted
 * transaction; the aborted-transaction index and a still-open transaction survive a restart, from
 * the snapshot and from the log alone.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { RawClient } from '../../testing/raw-client.js';
import { dropSnapshotFiles, useEmbeddedRawNode } from '../../testing/embedded-raw-node.js';
import { Reader } from '../../protocol/codec/reader.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { encodeProduceRequest } from '../../protocol/generated/messages/produce-request.js';
import { decodeProduceResponse } from '../../protocol/generated/messages/produce-response.js';
import { encodeFetchRequest } from '../../protocol/generated/messages/fetch-request.js';
import { decodeFetchResponse, type PartitionData } from '../../protocol/generated/messages/fetch-response.js';
import { encodeListOffsetsRequest } from '../../protocol/generated/messages/list-offsets-request.js';
import { decodeListOffsetsResponse } from '../../protocol/generated/messages/list-offsets-response.js';
import { encodeWriteTxnMarkersRequest } from '../../protocol/generated/messages/write-txn-markers-request.js';
import { decodeWriteTxnMarkersResponse } from '../../protocol/generated/messages/write-txn-markers-response.js';
import { buildRecordBatch } from '../../protocol/records/record-batch-builder.js';
import { batchPositions, readBatchHeader } from '../../protocol/records/record-batch-reader.js';

const TOPIC = 'rc';
let correlation = 100;

async function produce(c: RawClient, opts: { producerId?: bigint; epoch?: number; seq?: number; transactional?: boolean; count: number }): Promise<{ errorCode: number; baseOffset: bigint }> {
  const records = Array.from({ length: opts.count }, (_, i) => ({ key: `k${i}`, value: `v${i}`, timestamp: 1000 + i }));
  const batch = await buildRecordBatch({ baseOffset: 0, records, producerId: opts.producerId ?? -1n, producerEpoch: opts.epoch ?? -1, baseSequence: opts.seq ?? -1, isTransactional: opts.transactional ?? false });
  c.send(0, 7, correlation++, false, (w) => encodeProduceRequest(w, 7, { transactionalId: opts.transactional === true ? 'tx' : null, acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: batch }] }] }));
  const frame = await c.receive();
  assert.ok(frame);
  const p = decodeProduceResponse(new Reader(frame, 4), 7).responses[0]?.partitionResponses[0];
  assert.ok(p);
  return { errorCode: p.errorCode, baseOffset: p.baseOffset };
}

async function fetch(c: RawClient, isolationLevel: number, fetchOffset = 0): Promise<PartitionData> {
  c.send(1, 11, correlation++, false, (w) => encodeFetchRequest(w, 11, { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel, sessionId: 0, sessionEpoch: -1, topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: BigInt(fetchOffset), logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }], forgottenTopicsData: [], rackId: '' }));
  const frame = await c.receive();
  assert.ok(frame);
  const p = decodeFetchResponse(new Reader(frame, 4), 11).responses[0]?.partitions[0];
  assert.ok(p);
  return p;
}

async function latest(c: RawClient, isolationLevel: number): Promise<bigint> {
  c.send(2, 5, correlation++, false, (w) => encodeListOffsetsRequest(w, 5, { replicaId: -1, isolationLevel, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }] }] }));
  const frame = await c.receive();
  assert.ok(frame);
  return decodeListOffsetsResponse(new Reader(frame, 4), 5).topics[0]?.partitions[0]?.offset ?? -99n;
}

async function marker(c: RawClient, producerId: bigint, epoch: number, commit: boolean): Promise<number> {
  c.send(27, 0, correlation++, false, (w) => encodeWriteTxnMarkersRequest(w, 0, { markers: [{ producerId, producerEpoch: epoch, transactionResult: commit, coordinatorEpoch: 0, topics: [{ name: TOPIC, partitionIndexes: [0] }] }] }));
  const frame = await c.receive();
  assert.ok(frame);
  return decodeWriteTxnMarkersResponse(new Reader(frame, 4), 0).markers[0]?.topics[0]?.partitions[0]?.errorCode ?? -99;
}

function lastOffsets(records: Buffer | null): number[] {
  if (records === null) return [];
  return batchPositions(records).map((pos) => {
    const h = readBatchHeader(records, pos);
    return h.baseOffset + h.lastOffsetDelta;
  });
}

describe('transactions on the partition: LSO, read_committed Fetch, aborted transactions', function () {
  this.timeout(20000);
  const fx = useEmbeddedRawNode(TOPIC);

  const restart = (dropSnapshots: boolean): Promise<void> => fx.restart(dropSnapshots ? () => dropSnapshotFiles(join(fx.dir, `${TOPIC}-0`)) : undefined);

  it('holds read_committed at the open transaction, then lists it as aborted after its ABORT marker; survives restarts', async () => {
    assert.equal((await produce(fx.client, { producerId: 7n, epoch: 0, seq: 0, transactional: true, count: 3 })).errorCode, ErrorCode.NONE); // 0-2
    assert.equal((await produce(fx.client, { count: 2 })).errorCode, ErrorCode.NONE); // 3-4
    let rc = await fetch(fx.client, 1);
    assert.deepEqual([rc.highWatermark, rc.lastStableOffset, rc.records?.length ?? 0, rc.abortedTransactions], [5n, 0n, 0, []]);
    assert.deepEqual(lastOffsets((await fetch(fx.client, 0)).records), [2, 4], 'read_uncommitted sees everything');
    assert.deepEqual([await latest(fx.client, 1), await latest(fx.client, 0)], [0n, 5n]);
    assert.equal((await produce(fx.client, { producerId: 7n, epoch: 0, seq: 3, transactional: false, count: 1 })).errorCode, ErrorCode.INVALID_TXN_STATE);

    // The open transaction survives a clean restart (snapshot) and a crash-like one (log scan).
    await restart(false);
    assert.equal((await fetch(fx.client, 1)).lastStableOffset, 0n);
    await restart(true);
    assert.equal((await fetch(fx.client, 1)).lastStableOffset, 0n);

    assert.equal(await marker(fx.client, 7n, 0, false), ErrorCode.NONE); // ABORT at 5
    rc = await fetch(fx.client, 1);
    // (A fetch reads one segment: the restarts above rolled a new one for the marker.)
    assert.deepEqual([rc.lastStableOffset, lastOffsets(rc.records), lastOffsets((await fetch(fx.client, 1, 5)).records)], [6n, [2, 4], [5]]);
    assert.deepEqual(rc.abortedTransactions, [{ producerId: 7n, firstOffset: 0n }]);
    assert.deepEqual((await fetch(fx.client, 1, 3)).abortedTransactions, [{ producerId: 7n, firstOffset: 0n }], 'the marker is in range');
    assert.equal((await fetch(fx.client, 0)).abortedTransactions, null, 'read_uncommitted gets none');
    assert.equal(await marker(fx.client, 7n, -1 + 0, true), ErrorCode.INVALID_PRODUCER_EPOCH, 'a marker older than the producer epoch');

    // A committed transaction after it: not listed.
    assert.equal((await produce(fx.client, { producerId: 8n, epoch: 0, seq: 0, transactional: true, count: 2 })).errorCode, ErrorCode.NONE); // 6-7
    assert.equal(await marker(fx.client, 8n, 0, true), ErrorCode.NONE); // COMMIT at 8
    assert.deepEqual((await fetch(fx.client, 1, 6)).abortedTransactions, []);
    assert.equal(await latest(fx.client, 1), 9n);

    // The aborted index is rebuilt from the log below the snapshot, and from the log alone.
    await restart(false);
    assert.deepEqual((await fetch(fx.client, 1)).abortedTransactions, [{ producerId: 7n, firstOffset: 0n }]);
    await restart(true);
    assert.deepEqual((await fetch(fx.client, 1)).abortedTransactions, [{ producerId: 7n, firstOffset: 0n }]);
    assert.equal((await fetch(fx.client, 1)).lastStableOffset, 9n);
  });
});
