/**
 * The quorum's APIs on a node's listeners (the real request path): Vote with another cluster's id
 * is INCONSISTENT_CLUSTER_ID, one naming more than `__cluster_metadata-0` is INVALID_REQUEST, and a
 * node whose quorum takes no requests (a one-voter quorum) answers UNKNOWN_SERVER_ERROR and carries
 * on; a Fetch of `__cluster_metadata` by name (v12) goes to the quorum, not the partition path; the
 * quorum's APIs and AllocateProducerIds are advertised and served on the controller listener only.
 *
 * The listener's services hold settings, clock, image, log and the quorum (a real one-voter
 * RaftMetadataLog on disk); the rest are absent (testing/request-listener.ts): these APIs never
 * reach them.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { systemClock } from '../../io/clock.js';
import { realFileSystem as fs } from '../../io/real-file-system.js';
import { systemRandom } from '../../io/random.js';
import { RaftMetadataLog } from '../../controller/raft-metadata-log.js';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { encodeApiVersionsRequest } from '../../protocol/generated/messages/api-versions-request.js';
import { decodeApiVersionsResponse } from '../../protocol/generated/messages/api-versions-response.js';
import { encodeFetchRequest, type FetchRequest } from '../../protocol/generated/messages/fetch-request.js';
import { decodeFetchResponse } from '../../protocol/generated/messages/fetch-response.js';
import { encodeVoteRequest, type VoteRequest } from '../../protocol/generated/messages/vote-request.js';
import { decodeVoteResponse } from '../../protocol/generated/messages/vote-response.js';
import { raftConfig } from '../../raft/index.js';
import { DEFAULT_LOG_CONFIG } from '../../storage/log-config.js';
import { PartitionLog } from '../../storage/partition-log.js';
import { TempDirs } from '../../storage/test-dirs.js';
import { RawClient } from '../../testing/raw-client.js';
import { rawCall } from '../../testing/raw-call.js';
import { partialServices, serveRequests, type RequestListener } from '../../testing/request-listener.js';

const CLUSTER_ID = 'cluster-test';
const CONTROLLER_ONLY = [ApiKey.Vote, ApiKey.BeginQuorumEpoch, ApiKey.EndQuorumEpoch, ApiKey.FetchSnapshot, ApiKey.AllocateProducerIds];

function vote(clusterId: string, partitions = [0]): VoteRequest {
  return { clusterId, voterId: 1, topics: [{ topicName: '__cluster_metadata', partitions: partitions.map((partitionIndex) => ({ partitionIndex, replicaEpoch: 5, replicaId: 2, lastOffsetEpoch: 0, lastOffset: 0n, preVote: false })) }] };
}

describe('quorum APIs on a node listener', function () {
  this.timeout(20_000);
  const temp = new TempDirs();
  let raft: RaftMetadataLog;
  let log: PartitionLog;
  const listeners: RequestListener[] = [];
  const clients: RawClient[] = [];

  before(async () => {
    log = await PartitionLog.open(fs, path.join(await temp.make(), '__cluster_metadata-0'), DEFAULT_LOG_CONFIG);
    raft = await RaftMetadataLog.open({ fs, log, clock: systemClock, random: systemRandom, nodeId: 1, voters: [1], config: raftConfig(), clusterId: CLUSTER_ID, onFatal: (e) => assert.fail(String(e)) });
    await raft.start();
    const services = partialServices(1, { quorum: raft, settings: { clusterId: CLUSTER_ID, controllerListenerNames: ['CONTROLLER'] } });
    listeners.push(await serveRequests(services, 'CONTROLLER'), await serveRequests(services, 'PLAINTEXT'));
  });
  after(async () => {
    for (const c of clients) c.close();
    for (const l of listeners) await l.close();
    raft.close();
    await log.close();
    await temp.cleanup();
  });

  async function client(i: number): Promise<RawClient> {
    const l = listeners[i];
    assert.ok(l);
    const c = await RawClient.connect(`${l.address.host}:${l.address.port}`);
    clients.push(c);
    return c;
  }

  it('answers Vote with the checks Kafka makes first, and UNKNOWN_SERVER_ERROR when the quorum takes no requests', async () => {
    const c = await client(0);
    const call = (req: VoteRequest) => rawCall(c, ApiKey.Vote, 2, true, encodeVoteRequest, decodeVoteResponse, req);
    assert.equal((await call(vote('another-cluster'))).errorCode, ErrorCode.INCONSISTENT_CLUSTER_ID);
    assert.equal((await call(vote(CLUSTER_ID, [0, 1]))).errorCode, ErrorCode.INVALID_REQUEST);
    assert.deepEqual(await call(vote(CLUSTER_ID)), { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, topics: [], nodeEndpoints: [] });
    // The connection carries on.
    assert.equal((await rawCall(c, ApiKey.ApiVersions, 0, false, encodeApiVersionsRequest, decodeApiVersionsResponse, {})).errorCode, ErrorCode.NONE);
  });

  it('sends a Fetch of __cluster_metadata by name (v12) to the quorum, not the partition path', async () => {
    const c = await client(0);
    const req: FetchRequest = {
      clusterId: CLUSTER_ID, replicaId: 2, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, rackId: '', forgottenTopicsData: [],
      topics: [{ topic: '__cluster_metadata', partitions: [{ partition: 0, currentLeaderEpoch: 1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    };
    const res = await rawCall(c, ApiKey.Fetch, 12, true, encodeFetchRequest, decodeFetchResponse, req);
    // The partition path would answer top-level NONE with a partition UNKNOWN_TOPIC_OR_PARTITION.
    assert.equal(res.errorCode, ErrorCode.UNKNOWN_SERVER_ERROR);
    assert.deepEqual(res.responses, []);
  });

  it('advertises and serves the quorum APIs and AllocateProducerIds on the controller listener only', async () => {
    const keys = async (i: number): Promise<number[]> => {
      const res = await rawCall(await client(i), ApiKey.ApiVersions, 2, false, encodeApiVersionsRequest, decodeApiVersionsResponse, {});
      return res.apiKeys.map((k) => k.apiKey);
    };
    const onController = await keys(0);
    const onBroker = await keys(1);
    for (const k of CONTROLLER_ONLY) {
      assert.ok(onController.includes(k), `API ${k} on the controller listener`);
      assert.ok(!onBroker.includes(k), `API ${k} not on the broker listener`);
    }
    assert.ok(onBroker.includes(ApiKey.Fetch) && onBroker.includes(ApiKey.Metadata));
    // A Vote on the broker listener: Kafka closes the connection (the API is not enabled there).
    const c = await client(1);
    c.send(ApiKey.Vote, 2, 1, true, (w) => encodeVoteRequest(w, 2, vote(CLUSTER_ID)));
    assert.equal(await c.receive(5_000), null);
  });
});
