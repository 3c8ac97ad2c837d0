/**
 * KIP-853's dynamic quorum workflow in-process, over real loopback sockets: controller 1 starts
 * standalone (controller.quorum.bootstrap.servers naming only itself: it formats the bootstrap
 * checkpoint and leads at once), nodes 2 and 3 start with the three controllers as bootstrap
 * servers (formatted without initial controllers: observers that ask node 1 for the cluster id),
 * then AddRaftVoter makes them voters, the leader is killed and metadata changes go on, and
 * RemoveRaftVoter takes the dead controller out. The requests go through Tributary's own client.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { loadBrokerConfig } from './config/index.js';
import { runNode, type RunningNode } from './node.js';
import { consoleLogger, silentLogger } from './util/logger.js';
import { waitFor } from './compat/wait.js';
import { realFileSystem } from './io/real-file-system.js';
import { readMetaProperties } from './storage/meta-properties.js';
import { KafkaConnection, apiCall } from './client/connection.js';
import { ErrorCode } from './protocol/generated/error-codes.js';
import { addRaftVoterRequestMeta, encodeAddRaftVoterRequest } from './protocol/generated/messages/add-raft-voter-request.js';
import { decodeAddRaftVoterResponse } from './protocol/generated/messages/add-raft-voter-response.js';
import { encodeRemoveRaftVoterRequest, removeRaftVoterRequestMeta } from './protocol/generated/messages/remove-raft-voter-request.js';
import { decodeRemoveRaftVoterResponse } from './protocol/generated/messages/remove-raft-voter-response.js';
import { describeQuorumRequestMeta, encodeDescribeQuorumRequest } from './protocol/generated/messages/describe-quorum-request.js';
import { decodeDescribeQuorumResponse, type DescribeQuorumResponse } from './protocol/generated/messages/describe-quorum-response.js';
import { decodeDescribeClusterResponse } from './protocol/generated/messages/describe-cluster-response.js';
import { describeClusterRequestMeta, encodeDescribeClusterRequest } from './protocol/generated/messages/describe-cluster-request.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { decodeSnapshot } from './controller/metadata-snapshot.js';
import { freePort } from './testing/in-process-cluster.js';


const until = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> => waitFor(what, check, timeoutMs, 200);

async function ask<T>(port: number, call: Parameters<KafkaConnection['send']>[0] & { __t?: T }): Promise<T> {
  const conn = await KafkaConnection.connect(`127.0.0.1:${port}`, { timeoutMs: 10_000, clientId: 'dynamic-quorum-test' });
  try {
    return (await conn.send(call)) as T;
  } finally {
    conn.close();
  }
}

const describeQuorum = (port: number): Promise<DescribeQuorumResponse> =>
  ask(port, apiCall(describeQuorumRequestMeta, encodeDescribeQuorumRequest, decodeDescribeQuorumResponse, { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] }));

describe('dynamic metadata quorum (KIP-853): standalone controller, add-controller, failover, remove-controller', function () {
  this.timeout(180_000);
  let root = '';
  const nodes = new Map<number, RunningNode>();
  const ports = new Map<number, { broker: number; controller: number }>();

  let extra: Record<string, string> = {};
  const start = async (id: number, bootstrap: number[]): Promise<RunningNode> => {
    const p = ports.get(id) as { broker: number; controller: number };
    const overrides: [string, string][] = [
      ['node.id', String(id)],
      ['process.roles', 'broker,controller'],
      ['listeners', `PLAINTEXT://127.0.0.1:${p.broker},CONTROLLER://127.0.0.1:${p.controller}`],
      ['controller.listener.names', 'CONTROLLER'],
      ['controller.quorum.bootstrap.servers', bootstrap.map((b) => `127.0.0.1:${ports.get(b)?.controller}`).join(',')],
      ['tributary.metrics.listeners', ''],
      ['schema.registry.listeners', ''],
      ['default.replication.factor', '1'],
      ['offsets.topic.replication.factor', '1'],
      ['transaction.state.log.replication.factor', '1'],
      ['broker.session.timeout.ms', '6000'],
      ['broker.heartbeat.interval.ms', '500'],
      ['log.dirs', join(root, `node-${id}`)],
      ...Object.entries(extra),
    ];
    const node = await runNode(loadBrokerConfig({ overrides }), { logger: process.env.DEBUG_QUORUM === undefined ? silentLogger : consoleLogger('info', (l) => process.stderr.write(`[${id}] ${l}\n`)) });
    nodes.set(id, node);
    return node;
  };
  const directoryId = async (id: number): Promise<string> => (await readMetaProperties(realFileSystem, join(root, `node-${id}`)))?.directoryId ?? '';

  afterEach(async () => {
    await Promise.all([...nodes.values()].map((n) => n.halt().catch(() => undefined)));
    nodes.clear();
    rmSync(root, { recursive: true, force: true });
  });

  it('forms, grows to three voters, survives its first leader and removes it; a restarted voter recovers the voter set from its log', async () => {
    extra = {};
    await scenario();
  });

  it('the same with a snapshot after every commit: snapshots hold the voter set and its listeners, a restart recovers it from the latest snapshot', async () => {
    extra = { 'metadata.log.max.record.bytes.between.snapshots': '1' };
    await scenario();
  });

  async function scenario(): Promise<void> {
    root = mkdtempSync(join(tmpdir(), 'tributary-dynamic-quorum-'));
    for (const id of [1, 2, 3]) ports.set(id, { broker: await freePort(), controller: await freePort() });
    const c = (id: number): number => ports.get(id)?.controller as number;
    // Controller 1 alone: --standalone's bootstrap checkpoint, and it leads.
    await (await start(1, [1])).ready;
    // (A snapshot after every commit deletes it as soon as the first snapshot covers the log.)
    if (extra['metadata.log.max.record.bytes.between.snapshots'] === undefined) {
      assert.ok(existsSync(join(root, 'node-1', '__cluster_metadata-0', '00000000000000000000-0000000000.checkpoint')), 'the standalone bootstrap checkpoint');
    }
    // A restart recovers the one-voter set (bootstrap checkpoint, then the VotersRecord its first leadership wrote).
    await nodes.get(1)?.halt();
    await (await start(1, [1])).ready;
    const first = await describeQuorum(c(1));
    assert.equal(first.topics[0]?.partitions[0]?.leaderId, 1);
    assert.deepEqual(first.topics[0]?.partitions[0]?.currentVoters.map((v) => v.replicaId), [1]);
    assert.deepEqual(first.nodes, [{ nodeId: 1, listeners: [{ name: 'CONTROLLER', host: '127.0.0.1', port: c(1) }] }]);
    // Nodes 2 and 3 join as observers (no initial controllers), with node 1's cluster id.
    await Promise.all([start(2, [1, 2, 3]), start(3, [1, 2, 3])].map(async (n) => (await n).ready));
    const clusterId = (await readMetaProperties(realFileSystem, join(root, 'node-1')))?.clusterId;
    assert.equal((await readMetaProperties(realFileSystem, join(root, 'node-2')))?.clusterId, clusterId);
    // DescribeCluster on a controller listener with endpointType 2 (--bootstrap-controller) names the controllers and the leader.
    const dc = await ask<{ controllerId: number; brokers: { brokerId: number }[]; errorCode: number }>(c(1), apiCall(describeClusterRequestMeta, encodeDescribeClusterRequest, decodeDescribeClusterResponse, { includeClusterAuthorizedOperations: false, endpointType: 2 }));
    assert.equal(dc.errorCode, ErrorCode.NONE);
    assert.equal(dc.controllerId, 1);
    assert.deepEqual(dc.brokers.map((b) => b.brokerId), [1]);
    // Another cluster's request is refused.
    const foreign = await ask<{ errorCode: number }>(c(1), apiCall(addRaftVoterRequestMeta, encodeAddRaftVoterRequest, decodeAddRaftVoterResponse, { clusterId: 'AAAAAAAAAAAAAAAAAAAAAA', timeoutMs: 5_000, voterId: 2, voterDirectoryId: await directoryId(2), listeners: [], ackWhenCommitted: true }));
    assert.equal(foreign.errorCode, ErrorCode.INCONSISTENT_CLUSTER_ID);
    // add-controller 2 (to the leader's controller listener) and 3 (to node 2's broker listener,
    // which forwards it to the active controller), retried while the new voter is not yet caught up.
    for (const [id, to] of [[2, c(1)], [3, ports.get(2)?.broker as number]] as const) {
      const voterDirectoryId = await directoryId(id);
      const body = { clusterId: clusterId ?? null, timeoutMs: 30_000, voterId: id, voterDirectoryId, listeners: [{ name: 'CONTROLLER', host: '127.0.0.1', port: c(id) }], ackWhenCommitted: true };
      await until(`controller ${id} added`, async () => {
        const r = await ask<{ errorCode: number; errorMessage: string | null }>(to, apiCall(addRaftVoterRequestMeta, encodeAddRaftVoterRequest, decodeAddRaftVoterResponse, body));
        if (r.errorCode === ErrorCode.REQUEST_TIMED_OUT) return undefined;
        assert.equal(r.errorCode, ErrorCode.NONE, `AddRaftVoter ${id}: ${r.errorMessage}`);
        return true;
      });
    }
    // Adding one twice is DUPLICATE_VOTER.
    const dup = await ask<{ errorCode: number }>(c(1), apiCall(addRaftVoterRequestMeta, encodeAddRaftVoterRequest, decodeAddRaftVoterResponse, { clusterId: null, timeoutMs: 5_000, voterId: 2, voterDirectoryId: await directoryId(2), listeners: [], ackWhenCommitted: true }));
    assert.equal(dup.errorCode, ErrorCode.DUPLICATE_VOTER);
    const three = await describeQuorum(c(1));
    assert.deepEqual(three.topics[0]?.partitions[0]?.currentVoters.map((v) => v.replicaId).sort(), [1, 2, 3]);
    assert.deepEqual((three.nodes ?? []).map((n) => [n.nodeId, n.listeners?.[0]?.port]).sort(), [[1, c(1)], [2, c(2)], [3, c(3)]]);
    // The first leader dies: 2 and 3 elect a leader, and metadata changes (CreateTopics) go on.
    await nodes.get(1)?.halt();
    nodes.delete(1);
    const kafka = new Kafka({ clientId: 'dynamic-quorum-test', brokers: [2, 3].map((id) => `127.0.0.1:${ports.get(id)?.broker}`), logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 200, maxRetryTime: 1000 } });
    const admin = kafka.admin();
    await admin.connect();
    try {
      // A client may still be sent to the dead node (the controller it knew) at first: retried, bounded.
      await until('CreateTopics after the failover', async () => {
        try {
          await admin.createTopics({ topics: [{ topic: 'after-failover', numPartitions: 2, replicationFactor: 2 }], waitForLeaders: false });
          return true;
        } catch (e) {
          if (e instanceof Error && /already exists/.test(e.message)) return true;
          return undefined;
        }
      }, 60_000);
      const parts = await until('the new topic has leaders', async () => {
        const ps = (await admin.fetchTopicMetadata({ topics: ['after-failover'] })).topics[0]?.partitions ?? [];
        return ps.length === 2 && ps.every((p) => p.leader === 2 || p.leader === 3) ? ps : undefined;
      });
      assert.equal(parts.length, 2);
    } finally {
      await admin.disconnect();
    }
    const leader = await until('a new leader', async () => {
      const l = nodes.get(2)?.quorumLeader();
      return l === 2 || l === 3 ? l : undefined;
    });
    // remove-controller 1 (down): the new voter set {2, 3} commits by its own majority.
    const removed = await ask<{ errorCode: number; errorMessage: string | null }>(c(leader), apiCall(removeRaftVoterRequestMeta, encodeRemoveRaftVoterRequest, decodeRemoveRaftVoterResponse, { clusterId: clusterId ?? null, voterId: 1, voterDirectoryId: await directoryId(1) }));
    assert.equal(removed.errorCode, ErrorCode.NONE, `RemoveRaftVoter 1: ${removed.errorMessage}`);
    const two = await describeQuorum(c(leader));
    assert.deepEqual(two.topics[0]?.partitions[0]?.currentVoters.map((v) => v.replicaId).sort(), [2, 3]);
    // Removing it again: VOTER_NOT_FOUND.
    const again = await ask<{ errorCode: number }>(c(leader), apiCall(removeRaftVoterRequestMeta, encodeRemoveRaftVoterRequest, decodeRemoveRaftVoterResponse, { clusterId: null, voterId: 1, voterDirectoryId: await directoryId(1) }));
    assert.equal(again.errorCode, ErrorCode.VOTER_NOT_FOUND);
    // Node 2 restarts: only as a voter again (recovered from its log or snapshot) does {2, 3} have a majority.
    await nodes.get(2)?.halt();
    await (await start(2, [1, 2, 3])).ready;
    const admin2 = kafka.admin();
    await admin2.connect();
    try {
      await until('CreateTopics after node 2 restarted', async () => {
        try {
          await admin2.createTopics({ topics: [{ topic: 'after-restart', numPartitions: 1, replicationFactor: 2 }], waitForLeaders: false });
          return true;
        } catch (e) {
          return e instanceof Error && /already exists/.test(e.message) ? true : undefined;
        }
      }, 60_000);
    } finally {
      await admin2.disconnect();
    }
    const after = await until('a leader after the restart', async () => {
      const l = nodes.get(3)?.quorumLeader();
      return l === 2 || l === 3 ? describeQuorum(c(l)) : undefined;
    });
    assert.deepEqual(after.topics[0]?.partitions[0]?.currentVoters.map((v) => v.replicaId).sort(), [2, 3]);
    if (extra['metadata.log.max.record.bytes.between.snapshots'] !== undefined) {
      // Node 2's latest snapshot holds the voter set {2, 3} with their listeners (kraft.version 1).
      const dir = join(root, 'node-2', '__cluster_metadata-0');
      const latest = readdirSync(dir).filter((f) => f.endsWith('.checkpoint') && !f.startsWith('00000000000000000000-')).sort().at(-1);
      assert.ok(latest !== undefined, `a snapshot in ${dir}`);
      const snap = await decodeSnapshot(readFileSync(join(dir, latest)));
      assert.deepEqual(snap.voters?.map((v) => [v.id, v.endpoints?.[0]?.port]).sort(), [[2, c(2)], [3, c(3)]]);
    }
  }
});
