/**
 * The Fetch handler's replica path on an embedded node: a fetch with replica_state.replica_id
 * (v15+) is a follower's fetch and is answered by partition/replica-fetch.ts; a broker that is not
 * a replica of the partition is refused NOT_LEADER_OR_FOLLOWER (the node's partitions have only
 * itself as replica until metadata wiring brings followers), while a consumer's fetch of the same
 * partition reads it. The follower logic itself is tested in src/replication/.
 */
import assert from 'node:assert/strict';
import { startNode, type RunningNode } from '../../index.js';
import { RawClient } from '../../testing/raw-client.js';
import { Reader } from '../../protocol/codec/reader.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { encodeMetadataRequest } from '../../protocol/generated/messages/metadata-request.js';
import { decodeMetadataResponse } from '../../protocol/generated/messages/metadata-response.js';
import { encodeProduceRequest } from '../../protocol/generated/messages/produce-request.js';
import { encodeFetchRequest } from '../../protocol/generated/messages/fetch-request.js';
import { decodeFetchResponse, type PartitionData } from '../../protocol/generated/messages/fetch-response.js';
import { buildRecordBatch } from '../../protocol/records/record-batch-builder.js';

describe('Fetch from a replica (replica_state)', function () {
  this.timeout(10000);
  let node: RunningNode;
  let c: RawClient;
  let topicId = '';
  before(async () => {
    node = await startNode();
    c = await RawClient.connect(node.bootstrap);
    c.send(3, 12, 0, true, (w) => encodeMetadataRequest(w, 12, { topics: [{ name: 'rf', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false }));
    assert.ok(await c.receive());
    const batch = await buildRecordBatch({ baseOffset: 0, records: [1, 2].map((i) => ({ key: `k${i}`, value: 'v', timestamp: i })) });
    c.send(0, 7, 1, false, (w) => encodeProduceRequest(w, 7, { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: 'rf', partitionData: [{ index: 0, records: batch }] }] }));
    assert.ok(await c.receive());
    c.send(3, 12, 2, true, (w) => encodeMetadataRequest(w, 12, { topics: [{ name: 'rf', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }));
    const md = await c.receive();
    assert.ok(md);
    topicId = decodeMetadataResponse(new Reader(md, 5), 12).topics[0]?.topicId ?? '';
  });
  after(async () => {
    c.close();
    await node.stop();
  });

  async function fetch(replicaId: number, correlationId: number): Promise<PartitionData | undefined> {
    c.send(1, 17, correlationId, true, (w) =>
      encodeFetchRequest(w, 17, {
        replicaState: { replicaId, replicaEpoch: -1n },
        maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topicId, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: 0, logStartOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
        forgottenTopicsData: [], rackId: '',
      }),
    );
    const frame = await c.receive();
    assert.ok(frame);
    return decodeFetchResponse(new Reader(frame, 5), 17).responses[0]?.partitions[0];
  }

  it('refuses a broker that is not a replica with NOT_LEADER_OR_FOLLOWER; a consumer reads the same partition', async () => {
    assert.ok(topicId !== '');
    assert.equal((await fetch(5, 10))?.errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
    const consumer = await fetch(-1, 11);
    assert.equal(consumer?.errorCode, ErrorCode.NONE);
    assert.equal(consumer?.highWatermark, 2n);
    assert.ok((consumer?.records?.length ?? 0) > 0);
  });
});
