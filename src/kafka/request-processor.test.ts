/**
 * The request path end to end on an embedded node, with exact bytes: ApiVersions fallback,
 * header versions, acks=0 silence, and the connection rules for bad requests.
 */
import assert from 'node:assert/strict';
import { startNode, type RunningNode } from '../index.js';
import { RawClient } from '../testing/raw-client.js';
import { Reader } from '../protocol/codec/reader.js';
import { decodeApiVersionsResponse } from '../protocol/generated/messages/api-versions-response.js';
import { encodeMetadataRequest } from '../protocol/generated/messages/metadata-request.js';
import { decodeMetadataResponse } from '../protocol/generated/messages/metadata-response.js';
import { encodeProduceRequest } from '../protocol/generated/messages/produce-request.js';
import { buildRecordBatch } from '../protocol/records/record-batch-builder.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';

describe('request processing on an embedded node', function () {
  this.timeout(10000);
  let node: RunningNode;
  const clients: RawClient[] = [];
  const client = async (): Promise<RawClient> => {
    const c = await RawClient.connect(node.bootstrap);
    clients.push(c);
    return c;
  };

  before(async () => {
    node = await startNode();
  });
  after(async () => {
    for (const c of clients) c.close();
    await node.stop();
  });

  it('answers ApiVersions v3 with a v0 response header and a flexible body listing itself', async () => {
    const c = await client();
    c.send(18, 3, 7, true, (w) => {
      w.writeString('tributary-test', true);
      w.writeString('1.0', true);
      w.writeUVarint(0);
    });
    const frame = await c.receive();
    assert.ok(frame);
    const r = new Reader(frame);
    assert.equal(r.readInt32(), 7); // header v0: no tag byte follows
    const body = decodeApiVersionsResponse(r, 3);
    assert.equal(body.errorCode, ErrorCode.NONE);
    assert.deepEqual(body.apiKeys.find((k) => k.apiKey === 18), { apiKey: 18, minVersion: 0, maxVersion: 4 });
    assert.deepEqual(body.apiKeys.find((k) => k.apiKey === 0), { apiKey: 0, minVersion: 0, maxVersion: 11 });
    assert.equal(r.remaining, 0);
    // KIP-584 features: metadata.version 4.0-IV3 (25) supported and finalized; nothing a client
    // would take as a promise of a protocol not served (transaction.version 2, group.version 1).
    assert.deepEqual(body.supportedFeatures, [{ name: 'metadata.version', minVersion: 25, maxVersion: 25 }]);
    assert.deepEqual(body.finalizedFeatures, [{ name: 'metadata.version', minVersionLevel: 25, maxVersionLevel: 25 }]);
    assert.ok((body.finalizedFeaturesEpoch ?? -1n) >= 0n, 'the epoch is the metadata offset the features were read at');
  });

  it('answers an ApiVersions version it does not know with a v0-layout UNSUPPORTED_VERSION', async () => {
    const c = await client();
    c.send(18, 9, 8, true, (w) => w.writeUVarint(0));
    const frame = await c.receive();
    assert.ok(frame);
    assert.equal(frame.toString('hex'), '00000008' + '0023' + '00000001' + '0012' + '0000' + '0004');
  });

  it('rejects ApiVersions v3 with an invalid client software name (INVALID_REQUEST)', async () => {
    const c = await client();
    c.send(18, 3, 9, true, (w) => {
      w.writeString('-bad name-', true);
      w.writeString('1', true);
      w.writeUVarint(0);
    });
    const frame = await c.receive();
    assert.ok(frame);
    const r = new Reader(frame, 4);
    assert.equal(decodeApiVersionsResponse(r, 3).errorCode, ErrorCode.INVALID_REQUEST);
  });

  it('ignores bytes left after a decoded body (librdkafka 2.15 Metadata v12)', async () => {
    const c = await client();
    c.send(3, 12, 10, true, (w) => {
      encodeMetadataRequest(w, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      w.writeRaw(Buffer.from('010000', 'hex'));
    });
    const frame = await c.receive();
    assert.ok(frame);
    const r = new Reader(frame, 4);
    r.readTaggedFields(); // response header v1
    const body = decodeMetadataResponse(r, 12);
    assert.equal(body.brokers.length, 1);
    assert.equal(body.clusterId, node.clusterId);
  });

  it('sends no response to acks=0 and answers the next request', async () => {
    const c = await client();
    const batch = await buildRecordBatch({ baseOffset: 0, records: [{ key: 'k', value: 'v', timestamp: 1 }] });
    c.send(3, 1, 20, false, (w) => encodeMetadataRequest(w, 1, { topics: [{ name: 'acks0' }] }));
    assert.ok(await c.receive());
    c.send(0, 7, 21, false, (w) => encodeProduceRequest(w, 7, { transactionalId: null, acks: 0, timeoutMs: 1000, topicData: [{ name: 'acks0', partitionData: [{ index: 0, records: batch }] }] }));
    c.send(3, 1, 22, false, (w) => encodeMetadataRequest(w, 1, { topics: [] }));
    const next = await c.receive();
    assert.ok(next);
    assert.equal(next.readInt32BE(0), 22);
  });

  it('closes the connection on an unknown API key and on an unsupported version', async () => {
    const a = await client();
    a.send(999, 0, 1, false, () => undefined);
    assert.equal(await a.receive(), null);
    assert.equal(a.closed, true);
    const b = await client();
    b.send(3, 99, 1, false, () => undefined);
    assert.equal(await b.receive(), null);
    assert.equal(b.closed, true);
  });

  it('closes the connection on a body that does not decode', async () => {
    const c = await client();
    c.send(3, 1, 1, false, (w) => w.writeInt32(1000)); // 1000 topics promised, none sent
    assert.equal(await c.receive(), null);
    assert.equal(c.closed, true);
  });
});
