/**
 * DescribeTopicPartitions paging as Kafka 4.3 answers it (compared field by field against Apache
 * Kafka 4.3.1 with the same requests): sorted topics, a partition limit per page, the cursor.
 */
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { startNode, type RunningNode } from '../../index.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { encodeDescribeTopicPartitionsRequest, type DescribeTopicPartitionsRequest } from '../../protocol/generated/messages/describe-topic-partitions-request.js';
import { decodeDescribeTopicPartitionsResponse, type DescribeTopicPartitionsResponse } from '../../protocol/generated/messages/describe-topic-partitions-response.js';
import { RawClient } from '../../testing/raw-client.js';
import { rawCall } from '../../testing/raw-call.js';

describe('DescribeTopicPartitions', function () {
  let node: RunningNode;
  let c: RawClient;
  before(async () => {
    node = await startNode();
    const admin = new kafkajs.Kafka({ brokers: [node.bootstrap], logLevel: kafkajs.logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'a', numPartitions: 3 }, { topic: 'b', numPartitions: 2 }, { topic: 'c', numPartitions: 1 }] });
    await admin.disconnect();
    c = await RawClient.connect(node.bootstrap);
  });
  after(async () => {
    c.close();
    await node.stop();
  });

  const describeTopics = (req: DescribeTopicPartitionsRequest): Promise<DescribeTopicPartitionsResponse> =>
    rawCall(c, 75, 0, true, encodeDescribeTopicPartitionsRequest, decodeDescribeTopicPartitionsResponse, req);
  const shape = (r: DescribeTopicPartitionsResponse) => r.topics.map((t) => [t.name, t.errorCode, t.partitions.map((p) => p.partitionIndex)]);

  it('sorts topics, fills a page up to the partition limit and points the cursor at the rest', async () => {
    const r = await describeTopics({ topics: [{ name: 'b' }, { name: 'a' }, { name: 'nope' }, { name: 'bad name!' }], responsePartitionLimit: 4, cursor: null });
    assert.deepEqual(shape(r), [['a', 0, [0, 1, 2]], ['b', 0, [0]]], "the page is full within b: 'bad name!' and 'nope' come later");
    assert.deepEqual(r.nextCursor, { topicName: 'b', partitionIndex: 1 });
    const unknown = await describeTopics({ topics: [{ name: 'nope' }, { name: 'bad name!' }, { name: 'c' }], responsePartitionLimit: 2000, cursor: null });
    assert.deepEqual(shape(unknown), [['bad name!', ErrorCode.INVALID_TOPIC_EXCEPTION, []], ['c', 0, [0]], ['nope', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, []]]);
    const a = r.topics.find((t) => t.name === 'a');
    assert.deepEqual(a?.partitions[0], { errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], eligibleLeaderReplicas: [], lastKnownElr: [], offlineReplicas: [] });
    assert.equal(a?.topicAuthorizedOperations, 3576, 'every topic operation, as Kafka without an authorizer');
  });

  it('starts at the cursor, and answers all topics (no unknown ones) when none are listed', async () => {
    const page = await describeTopics({ topics: [], responsePartitionLimit: 3, cursor: { topicName: 'a', partitionIndex: 1 } });
    assert.deepEqual(shape(page), [['a', 0, [1, 2]], ['b', 0, [0]]]);
    assert.deepEqual(page.nextCursor, { topicName: 'b', partitionIndex: 1 });
    const rest = await describeTopics({ topics: [], responsePartitionLimit: 3, cursor: page.nextCursor });
    assert.deepEqual(shape(rest), [['b', 0, [1]], ['c', 0, [0]]]);
    assert.equal(rest.nextCursor, null);
  });

  it('a cursor outside the listed topics is INVALID_REQUEST on every listed topic', async () => {
    const r = await describeTopics({ topics: [{ name: 'b' }], responsePartitionLimit: 3, cursor: { topicName: 'a', partitionIndex: 1 } });
    assert.deepEqual(shape(r), [['b', ErrorCode.INVALID_REQUEST, []]]);
    assert.equal(r.nextCursor, null);
  });
});
