/**
 * Idempotent produce on an embedded node, with exact batches: a retried batch is answered with
 * its original offset and not written twice, a sequence gap and a stale epoch are refused with
 * Kafka's codes, and the state survives a restart (from the snapshot, and from the log alone).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { RawClient } from '../../testing/raw-client.js';
import { dropSnapshotFiles, useEmbeddedRawNode } from '../../testing/embedded-raw-node.js';
import { Reader } from '../../protocol/codec/reader.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { encodeProduceRequest } from '../../protocol/generated/messages/produce-request.js';
import { decodeProduceResponse } from '../../protocol/generated/messages/produce-response.js';
import { encodeInitProducerIdRequest } from '../../protocol/generated/messages/init-producer-id-request.js';
import { decodeInitProducerIdResponse } from '../../protocol/generated/messages/init-producer-id-response.js';
import { buildRecordBatch } from '../../protocol/records/record-batch-builder.js';

const TOPIC = 'idem';

async function initProducerId(c: RawClient): Promise<bigint> {
  c.send(22, 4, 1, true, (w) => encodeInitProducerIdRequest(w, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 }));
  const frame = await c.receive();
  assert.ok(frame);
  const r = new Reader(frame, 4);
  r.readTaggedFields();
  const res = decodeInitProducerIdResponse(r, 4);
  assert.equal(res.errorCode, ErrorCode.NONE);
  assert.equal(res.producerEpoch, 0);
  return res.producerId;
}

async function produce(c: RawClient, producerId: bigint, epoch: number, seq: number, count: number): Promise<{ errorCode: number; baseOffset: bigint }> {
  const records = Array.from({ length: count }, (_, i) => ({ key: `k${seq + i}`, value: `v${seq + i}`, timestamp: 1000 + i }));
  const batch = await buildRecordBatch({ baseOffset: 0, records, producerId, producerEpoch: epoch, baseSequence: seq });
  c.send(0, 7, 2, false, (w) => encodeProduceRequest(w, 7, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: batch }] }] }));
  const frame = await c.receive();
  assert.ok(frame);
  const p = decodeProduceResponse(new Reader(frame, 4), 7).responses[0]?.partitionResponses[0];
  assert.ok(p);
  return { errorCode: p.errorCode, baseOffset: p.baseOffset };
}

describe('idempotent produce', function () {
  this.timeout(20000);
  const fx = useEmbeddedRawNode(TOPIC);

  it('hands out distinct producer ids', async () => {
    const a = await initProducerId(fx.client);
    const b = await initProducerId(fx.client);
    assert.notEqual(a, b);
  });

  it('answers a retried batch with its original offset, refuses gaps and stale epochs, and remembers across restarts', async () => {
    const pid = await initProducerId(fx.client);
    assert.deepEqual(await produce(fx.client, pid, 0, 0, 3), { errorCode: ErrorCode.NONE, baseOffset: 0n });
    assert.deepEqual(await produce(fx.client, pid, 0, 3, 2), { errorCode: ErrorCode.NONE, baseOffset: 3n });
    assert.deepEqual(await produce(fx.client, pid, 0, 0, 3), { errorCode: ErrorCode.NONE, baseOffset: 0n }, 'duplicate: original offset');
    assert.equal((await produce(fx.client, pid, 0, 9, 1)).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    assert.deepEqual(await produce(fx.client, pid, 1, 0, 1), { errorCode: ErrorCode.NONE, baseOffset: 5n }, 'a new epoch starts at 0');
    assert.equal((await produce(fx.client, pid, 0, 5, 1)).errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);

    // Restart from the clean-shutdown snapshot.
    await fx.restart();
    assert.deepEqual(await produce(fx.client, pid, 1, 0, 1), { errorCode: ErrorCode.NONE, baseOffset: 5n }, 'duplicate after a restart');
    assert.deepEqual(await produce(fx.client, pid, 1, 1, 1), { errorCode: ErrorCode.NONE, baseOffset: 6n });

    // Restart with the snapshot gone: the state is rebuilt from the log itself.
    await fx.restart(() => dropSnapshotFiles(join(fx.dir, `${TOPIC}-0`)));
    assert.deepEqual(await produce(fx.client, pid, 1, 1, 1), { errorCode: ErrorCode.NONE, baseOffset: 6n }, 'duplicate found by scanning the log');
    assert.equal((await produce(fx.client, pid, 1, 3, 1)).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  it('sends a transactional InitProducerId to the transaction coordinator (none before FindCoordinator created it)', async () => {
    const init = async (transactionalId: string): Promise<number> => {
      fx.client.send(22, 4, 3, true, (w) => encodeInitProducerIdRequest(w, 4, { transactionalId, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 }));
      const frame = await fx.client.receive();
      assert.ok(frame);
      const r = new Reader(frame, 4);
      r.readTaggedFields();
      return decodeInitProducerIdResponse(r, 4).errorCode;
    };
    assert.equal(await init('tx'), ErrorCode.NOT_COORDINATOR);
    assert.equal(await init(''), ErrorCode.INVALID_REQUEST);
  });
});
