import assert from 'node:assert/strict';
import { startNode, type RunningNode } from '../../index.js';
import { RawClient } from '../../testing/raw-client.js';
import { Reader } from '../../protocol/codec/reader.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { encodeMetadataRequest } from '../../protocol/generated/messages/metadata-request.js';
import { encodeProduceRequest } from '../../protocol/generated/messages/produce-request.js';
import { encodeOffsetForLeaderEpochRequest } from '../../protocol/generated/messages/offset-for-leader-epoch-request.js';
import { decodeOffsetForLeaderEpochResponse } from '../../protocol/generated/messages/offset-for-leader-epoch-response.js';
import { buildRecordBatch } from '../../protocol/records/record-batch-builder.js';

describe('OffsetForLeaderEpoch', function () {
  this.timeout(10000);
  let node: RunningNode;
  let c: RawClient;
  before(async () => {
    node = await startNode();
    c = await RawClient.connect(node.bootstrap);
    c.send(3, 4, 0, false, (w) => encodeMetadataRequest(w, 4, { topics: [{ name: 'ep' }], allowAutoTopicCreation: true }));
    assert.ok(await c.receive());
    const batch = await buildRecordBatch({ baseOffset: 0, records: [1, 2, 3].map((i) => ({ key: `k${i}`, value: 'v', timestamp: i })) });
    c.send(0, 7, 1, false, (w) => encodeProduceRequest(w, 7, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 'ep', partitionData: [{ index: 0, records: batch }] }] }));
    assert.ok(await c.receive());
  });
  after(async () => {
    c.close();
    await node.stop();
  });

  it('answers the current epoch with the log end offset, a later one as unknown, and fences a stale current epoch (v2, as librdkafka sends)', async () => {
    c.send(23, 2, 2, false, (w) =>
      encodeOffsetForLeaderEpochRequest(w, 2, {
        topics: [
          { topic: 'ep', partitions: [{ partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 }, { partition: 0, currentLeaderEpoch: -1, leaderEpoch: 5 }] },
          { topic: 'nope', partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] },
        ],
      }),
    );
    const frame = await c.receive();
    assert.ok(frame);
    const res = decodeOffsetForLeaderEpochResponse(new Reader(frame, 4), 2);
    const [cur, later] = res.topics[0]?.partitions ?? [];
    assert.deepEqual([cur?.errorCode, cur?.leaderEpoch, cur?.endOffset], [ErrorCode.NONE, 0, 3n]);
    assert.deepEqual([later?.errorCode, later?.leaderEpoch, later?.endOffset], [ErrorCode.NONE, -1, -1n]);
    assert.equal(res.topics[1]?.partitions[0]?.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
});
