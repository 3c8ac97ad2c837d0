/**
 * DescribeQuorum on a combined node: it is the metadata quorum's only voter and its leader, in a
 * new epoch after every start, with the high watermark at the end of its metadata log.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNode } from '../../index.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { encodeDescribeQuorumRequest, type DescribeQuorumRequest } from '../../protocol/generated/messages/describe-quorum-request.js';
import { decodeDescribeQuorumResponse, type DescribeQuorumResponse } from '../../protocol/generated/messages/describe-quorum-response.js';
import { RawClient } from '../../testing/raw-client.js';
import { rawCall } from '../../testing/raw-call.js';

const METADATA = { topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] };

async function describeQuorum(bootstrap: string, req: DescribeQuorumRequest, version = 2): Promise<DescribeQuorumResponse> {
  const c = await RawClient.connect(bootstrap);
  try {
    return await rawCall(c, 55, version, true, encodeDescribeQuorumRequest, decodeDescribeQuorumResponse, req);
  } finally {
    c.close();
  }
}

describe('DescribeQuorum', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'tributary-quorum-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('the node leads its one-voter quorum, in a higher epoch after each restart', async () => {
    const epochs: number[] = [];
    for (let start = 0; start < 2; start++) {
      const node = await startNode({ config: { 'log.dirs': dir } });
      try {
        const r = await describeQuorum(node.bootstrap, { topics: [METADATA] });
        const p = r.topics[0]?.partitions[0];
        assert.equal(r.errorCode, ErrorCode.NONE);
        assert.equal(p?.errorCode, ErrorCode.NONE);
        assert.equal(p?.leaderId, node.nodeId);
        assert.deepEqual(p?.currentVoters.map((v) => v.replicaId), [node.nodeId]);
        assert.ok(p !== undefined && p.highWatermark >= 1n && p.currentVoters[0]?.logEndOffset === p.highWatermark, 'everything in the log is committed');
        assert.deepEqual(r.nodes?.map((n) => [n.nodeId, n.listeners?.map((l) => `${l.host}:${l.port}`)]), [[node.nodeId, [node.bootstrap]]]);
        epochs.push(p.leaderEpoch);
      } finally {
        await node.stop();
      }
    }
    assert.ok((epochs[0] ?? 0) >= 1 && (epochs[1] ?? 0) > (epochs[0] ?? 0), `epochs ${epochs.join(', ')}`);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for anything but __cluster_metadata-0, at v0 too', async () => {
    const node = await startNode({ config: { 'log.dirs': dir } });
    try {
      const r = await describeQuorum(node.bootstrap, { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 1 }] }, { topicName: 'other', partitions: [{ partitionIndex: 0 }] }, METADATA] }, 0);
      assert.deepEqual(r.topics.map((t) => t.partitions.map((p) => p.errorCode)), [[ErrorCode.UNKNOWN_TOPIC_OR_PARTITION], [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION], [ErrorCode.NONE]]);
    } finally {
      await node.stop();
    }
  });
});
