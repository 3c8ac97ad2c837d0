/**
 * BrokerTopicMetrics counting from Produce and Fetch, with Kafka's meaning: per partition in a
 * request, records counted from batch headers, rejected bytes only for invalid batches.
 */
import assert from 'node:assert/strict';
import { buildRecordBatch } from '../protocol/records/record-batch-builder.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { MetadataImage } from '../metadata/metadata-image.js';
import type { ProduceRequest } from '../protocol/generated/messages/produce-request.js';
import type { ProduceResponse } from '../protocol/generated/messages/produce-response.js';
import type { FetchResponse } from '../protocol/generated/messages/fetch-response.js';
import { BrokerTopicStats } from '../metrics/topic-stats.js';
import { countFetch, countProduce, countRecords } from './topic-traffic.js';

function image(...topics: [string, string][]): MetadataImage {
  const img = new MetadataImage();
  for (const [name, topicId] of topics) img.replay({ type: 'topic', data: { name, topicId } } as never, 0);
  return img;
}

const batch = (n: number): Promise<Buffer> => buildRecordBatch({ baseOffset: 0, records: Array.from({ length: n }, (_, i) => ({ value: `v${i}`, timestamp: 1000 + i })) });

function produceReq(topics: { name: string; records: (Buffer | null)[] }[]): ProduceRequest {
  return { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: topics.map((t) => ({ name: t.name, partitionData: t.records.map((records, index) => ({ index, records })) })) } as ProduceRequest;
}

function produceRes(topics: { name: string; errors: number[] }[]): ProduceResponse {
  return { throttleTimeMs: 0, responses: topics.map((t) => ({ name: t.name, partitionResponses: t.errors.map((errorCode, index) => ({ index, errorCode, baseOffset: 0n, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null })) })) } as unknown as ProduceResponse;
}

describe('topic traffic counting', () => {
  it('counts records from the headers of every batch in a buffer', async () => {
    assert.equal(countRecords(Buffer.concat([await batch(3), await batch(5)])), 8);
    assert.equal(countRecords(Buffer.alloc(0)), 0);
  });

  it('produce: appended bytes and messages, failures, and rejected bytes only for invalid batches', async () => {
    const stats = new BrokerTopicStats();
    const img = image(['orders', 'id-1']);
    const [a, b, c] = [await batch(4), await batch(2), await batch(1)];
    countProduce(stats, img, produceReq([{ name: 'orders', records: [a, b, c] }]), produceRes([{ name: 'orders', errors: [ErrorCode.NONE, ErrorCode.MESSAGE_TOO_LARGE, ErrorCode.NOT_LEADER_OR_FOLLOWER] }]));
    const t = stats.topic('orders');
    assert.equal(t.totalProduceRequests, 3);
    assert.equal(t.messagesIn, 4);
    assert.equal(t.bytesIn, a.length);
    assert.equal(t.failedProduceRequests, 2);
    assert.equal(t.bytesRejected, b.length, 'NOT_LEADER is a failure but not a rejected batch');
    assert.deepEqual({ ...stats.allTopics }, { ...t });
  });

  it('produce acks=0 (no response) counts as appended; an unknown topic counts only in all-topics', async () => {
    const stats = new BrokerTopicStats();
    const a = await batch(3);
    countProduce(stats, image(['orders', 'id-1']), produceReq([{ name: 'orders', records: [a] }, { name: 'typo', records: [a] }]), null);
    assert.equal(stats.topic('orders').messagesIn, 3);
    assert.equal(stats.allTopics.messagesIn, 6);
    assert.deepEqual([...stats.topics()].map(([n]) => n), ['orders'], 'no per-topic series for a topic that does not exist');
  });

  it('fetch: bytes out per topic (by name or topic id), failures per partition', () => {
    const stats = new BrokerTopicStats();
    const part = (errorCode: number, records: Buffer | null) => ({ partitionIndex: 0, errorCode, records }) as unknown as FetchResponse['responses'][number]['partitions'][number];
    const res = { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [
      { topicId: 'id-1', partitions: [part(ErrorCode.NONE, Buffer.alloc(300)), part(ErrorCode.OFFSET_OUT_OF_RANGE, null)] },
      { topic: 'orders', partitions: [part(ErrorCode.NONE, null)] },
    ] } as unknown as FetchResponse;
    countFetch(stats, image(['orders', 'id-1']), res);
    const t = stats.topic('orders');
    assert.equal(t.totalFetchRequests, 3);
    assert.equal(t.failedFetchRequests, 1);
    assert.equal(t.bytesOut, 300);
  });
});
