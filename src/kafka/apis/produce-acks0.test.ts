/**
 * Produce with acks=0 gets no response; when it fails, Kafka closes the connection instead, so the
 * producer (which reads nothing) learns of the failure, reconnects and refreshes its metadata. A
 * successful acks=0 produce leaves the connection open and in step.
 */
import assert from 'node:assert/strict';
import { RawClient } from '../../testing/raw-client.js';
import { useEmbeddedRawNode } from '../../testing/embedded-raw-node.js';
import { encodeMetadataRequest } from '../../protocol/generated/messages/metadata-request.js';
import { encodeProduceRequest } from '../../protocol/generated/messages/produce-request.js';
import { buildRecordBatch } from '../../protocol/records/record-batch-builder.js';

const TOPIC = 'acks0';

async function batch(valueBytes = 10): Promise<Buffer> {
  return buildRecordBatch({ baseOffset: 0, records: [{ key: 'k', value: 'v'.repeat(valueBytes), timestamp: 1000 }] });
}

function produceAcks0(c: RawClient, partition: number, records: Buffer): void {
  c.send(0, 9, 7, true, (w) => encodeProduceRequest(w, 9, { transactionalId: null, acks: 0, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: partition, records }] }] }));
}

/** A Metadata request answered on the same connection: it is still open and in step. */
async function assertStillServing(c: RawClient): Promise<void> {
  c.send(3, 4, 8, false, (w) => encodeMetadataRequest(w, 4, { topics: [], allowAutoTopicCreation: false }));
  const frame = await c.receive(5000);
  assert.ok(frame, 'the connection answers a Metadata request after the acks=0 produce');
  assert.equal(frame.readInt32BE(0), 8, 'the answer is to the Metadata request (the produce got none)');
}

/** Waits (bounded) for the broker to close the connection; nothing may be answered before. */
async function assertClosed(c: RawClient): Promise<void> {
  const frame = await c.receive(5000);
  assert.equal(frame, null, 'no response to an acks=0 produce');
  assert.equal(c.closed, true, 'the broker closed the connection');
}

describe('produce with acks=0', function () {
  const fx = useEmbeddedRawNode(TOPIC);
  const fresh = async (): Promise<RawClient> => {
    const c = await RawClient.connect(fx.node.bootstrap);
    after(() => c.close());
    return c;
  };

  it('answers nothing when it succeeds, and the connection stays open', async () => {
    const c = await fresh();
    produceAcks0(c, 0, await batch());
    await assertStillServing(c);
  });

  it('closes the connection on an unknown partition', async () => {
    const c = await fresh();
    produceAcks0(c, 99, await batch());
    await assertClosed(c);
  });

  it('closes the connection on a corrupt batch (CRC mismatch)', async () => {
    const c = await fresh();
    const b = await batch();
    b[b.length - 1] = (b[b.length - 1] ?? 0) ^ 0xff;
    produceAcks0(c, 0, b);
    await assertClosed(c);
  });

  it('closes the connection on a batch above message.max.bytes', async () => {
    const c = await fresh();
    produceAcks0(c, 0, await batch(1_100_000));
    await assertClosed(c);
  });
});
