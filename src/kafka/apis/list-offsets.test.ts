/**
 * ListOffsets' special timestamps on records whose timestamps are out of order inside a batch:
 * MAX_TIMESTAMP (-3) answers the record with the largest timestamp (KAFKA-16310, Kafka 3.8+), not
 * the batch's last offset; a plain timestamp answers the first record at or after it.
 */
import assert from 'node:assert/strict';
import { useEmbeddedRawNode } from '../../testing/embedded-raw-node.js';
import { Reader } from '../../protocol/codec/reader.js';
import { encodeListOffsetsRequest } from '../../protocol/generated/messages/list-offsets-request.js';
import { decodeListOffsetsResponse } from '../../protocol/generated/messages/list-offsets-response.js';
import { encodeProduceRequest } from '../../protocol/generated/messages/produce-request.js';
import { buildRecordBatch } from '../../protocol/records/record-batch-builder.js';

const TOPIC = 'list-offsets';
const BASE = 1_700_000_000_000;

describe('ListOffsets', function () {
  const fx = useEmbeddedRawNode(TOPIC);
  let correlation = 100;

  async function listOffsets(timestamp: bigint): Promise<{ offset: bigint; timestamp: bigint }> {
    const c = fx.client;
    c.send(2, 7, correlation++, true, (w) => encodeListOffsetsRequest(w, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }] }));
    const frame = await c.receive();
    assert.ok(frame);
    const r = new Reader(frame, 4);
    r.readTaggedFields();
    const p = decodeListOffsetsResponse(r, 7).topics[0]?.partitions[0];
    assert.ok(p);
    assert.equal(p.errorCode, 0);
    return { offset: p.offset ?? -99n, timestamp: p.timestamp ?? -99n };
  }

  before(async () => {
    const records = [100, 400, 250].map((d, i) => ({ key: `k${i}`, value: `v${i}`, timestamp: BASE + d }));
    const batch = await buildRecordBatch({ baseOffset: 0, records });
    fx.client.send(0, 9, correlation++, true, (w) => encodeProduceRequest(w, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: batch }] }] }));
    assert.ok(await fx.client.receive());
  });

  it('MAX_TIMESTAMP (-3) answers the record with the largest timestamp, inside its batch', async () => {
    assert.deepEqual(await listOffsets(-3n), { offset: 1n, timestamp: BigInt(BASE + 400) });
  });

  it('a timestamp answers the first record at or after it', async () => {
    assert.deepEqual(await listOffsets(BigInt(BASE + 200)), { offset: 1n, timestamp: BigInt(BASE + 400) });
    assert.deepEqual(await listOffsets(BigInt(BASE + 100)), { offset: 0n, timestamp: BigInt(BASE + 100) });
    assert.equal((await listOffsets(BigInt(BASE + 401))).offset, -1n);
  });
});
