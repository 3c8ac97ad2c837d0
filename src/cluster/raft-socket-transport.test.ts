/**
 * Three metadata logs on real disks form a quorum over real sockets: each voter's RaftMetadataLog
 * sits behind its own TCP listener (the real request path: framing, the request processor, the
 * Vote/BeginQuorumEpoch/EndQuorumEpoch/Fetch handlers) on a CONTROLLER listener, and reaches the
 * others through a RaftSocketTransport. A leader is elected, an append commits and every voter is
 * told of it; the leader's listener and node go away, another is elected in a higher epoch and a
 * further append commits on the two left. An observer (a node not among the voters, as a
 * broker-only node) on its own listener finds the leader, learns every committed record, and
 * follows the next leader; the leader lists it under DescribeQuorum's observers. An observer that
 * knows only one voter's address (controller.quorum.bootstrap.servers) finds the leader through it
 * and fetches from wherever the answers' NodeEndpoints say the leader listens.
 *
 * The listeners' services hold settings, clock, image (ApiVersions reads it), log and the quorum;
 * the rest are absent (testing/request-listener.ts): the quorum's APIs never touch them.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { HostPort } from '../client/connection.js';
import { systemClock } from '../io/clock.js';
import { realFileSystem as fs } from '../io/real-file-system.js';
import { systemRandom } from '../io/random.js';
import type { BrokerServices } from '../kafka/context.js';
import type { CommittedRecord } from '../controller/metadata-publisher.js';
import type { MetadataRecord } from '../metadata/metadata-record.js';
import { decodeQuorumState, raftConfig } from '../raft/index.js';
import { encodeDescribeQuorumRequest } from '../protocol/generated/messages/describe-quorum-request.js';
import { decodeDescribeQuorumResponse } from '../protocol/generated/messages/describe-quorum-response.js';
import { RawClient } from '../testing/raw-client.js';
import { rawCall } from '../testing/raw-call.js';
import { DEFAULT_LOG_CONFIG } from '../storage/log-config.js';
import { PartitionLog } from '../storage/partition-log.js';
import { TempDirs } from '../storage/test-dirs.js';
import { partialServices, serveRequests, type RequestListener } from '../testing/request-listener.js';
import { QUORUM_STATE_FILE, RaftMetadataLog } from '../controller/raft-metadata-log.js';
import { RaftSocketTransport } from './raft-socket-transport.js';

const VOTERS = [1, 2, 3];
const CLUSTER_ID = 'cluster-test';
const CONFIG = raftConfig({ electionTimeoutMs: 150, fetchTimeoutMs: 300, electionBackoffMaxMs: 150, requestTimeoutMs: 300, retryBackoffMs: 20, fetchMaxWaitMs: 50 });
const record = (level: number): MetadataRecord => ({ type: 'featureLevel', version: 0, data: { name: 'test.feature', featureLevel: level } });

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Voter {
  readonly id: number;
  readonly listener: RequestListener;
  readonly services: Mutable<BrokerServices>;
  raft?: RaftMetadataLog;
  log?: PartitionLog;
  transport?: RaftSocketTransport;
  readonly applied: number[];
}

describe('cluster: a three-voter metadata quorum over sockets (RaftSocketTransport)', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  const voters = new Map<number, Voter>();
  const fatal: string[] = [];

  async function listen(id: number): Promise<Voter> {
    const services: Mutable<BrokerServices> = { ...partialServices(id, { settings: { clusterId: CLUSTER_ID, controllerListenerNames: ['CONTROLLER'] } }) };
    const listener = await serveRequests(services, 'CONTROLLER');
    const v: Voter = { id, listener, services, applied: [] };
    voters.set(id, v);
    return v;
  }

  /** Starts a node's quorum; `bootstrap`: it knows no voters, only these addresses (an observer). */
  async function start(v: Voter, root: string, addresses: ReadonlyMap<number, HostPort>, bootstrap?: readonly HostPort[]): Promise<void> {
    const log = await PartitionLog.open(fs, path.join(root, `node-${v.id}`, '__cluster_metadata-0'), DEFAULT_LOG_CONFIG);
    const transport = new RaftSocketTransport({ nodeId: v.id, voters: bootstrap === undefined ? addresses : new Map(), ...(bootstrap === undefined ? {} : { bootstrapServers: bootstrap }), clock: systemClock, requestTimeoutMs: 1_000 });
    const onCommitted = async (batch: readonly CommittedRecord[]): Promise<void> => {
      for (const { record: r } of batch) v.applied.push(r.type === 'featureLevel' ? r.data.featureLevel : -1);
    };
    const raft = await RaftMetadataLog.open({ fs, log, clock: systemClock, random: systemRandom, nodeId: v.id, voters: bootstrap === undefined ? VOTERS : [], config: CONFIG, transport, clusterId: CLUSTER_ID, onCommitted, onFatal: (e) => fatal.push(`voter ${v.id}: ${e instanceof Error ? e.stack : String(e)}`) });
    Object.assign(v, { raft, log, transport });
    v.services.quorum = raft;
    await raft.start();
  }

  async function stop(v: Voter): Promise<void> {
    voters.delete(v.id);
    await v.listener.close();
    v.raft?.close();
    v.transport?.close();
    await v.log?.close();
  }

  async function until(what: () => string | null, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      const missing = what();
      if (missing === null) return;
      assert.deepEqual(fatal, [], 'no voter failed');
      assert.ok(Date.now() < deadline, missing);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The one voter every live voter names leader, in an epoch above `aboveEpoch`. */
  async function agreedLeader(aboveEpoch: number): Promise<Voter> {
    let leader: Voter | undefined;
    await until(() => {
      const live = [...voters.values()];
      const leaders = live.filter((v) => v.raft?.leaderId === v.id && v.raft.describeQuorum().errorCode === 0);
      leader = leaders[0];
      const agreed = leaders.length === 1 && leader !== undefined && (leader.raft?.epoch ?? 0) > aboveEpoch && live.every((v) => v.raft?.leaderId === leader?.id && v.raft?.epoch === leader?.raft?.epoch);
      return agreed ? null : `no agreed leader: ${live.map((v) => `${v.id}: leader ${v.raft?.leaderId} epoch ${v.raft?.epoch}`).join('; ')}`;
    });
    return leader as Voter;
  }

  const appliedEverywhere = (levels: number[]) => (): string | null => {
    const behind = [...voters.values()].filter((v) => v.applied.join() !== levels.join());
    return behind.length === 0 ? null : `not applied everywhere: ${behind.map((v) => `${v.id}: [${v.applied.join()}]`).join('; ')}`;
  };

  afterEach(async () => {
    fatal.length = 0;
    for (const v of [...voters.values()]) await stop(v);
    await temp.cleanup();
  });

  it('elects a leader, commits on all three, and re-elects and commits when the leader goes away', async () => {
    const root = await temp.make();
    for (const id of VOTERS) await listen(id);
    const addresses = new Map([...voters.values()].map((v) => [v.id, v.listener.address]));
    for (const v of [...voters.values()]) await start(v, root, addresses);

    const first = await agreedLeader(0);
    assert.equal((await first.raft?.append([record(1), record(2)]))?.length, 2);
    await until(appliedEverywhere([1, 2]));

    await stop(first);
    const second = await agreedLeader(first.raft?.epoch ?? 0);
    assert.notEqual(second.id, first.id);
    await second.raft?.append([record(3)]);
    await until(appliedEverywhere([1, 2, 3]));
    assert.equal(voters.size, 2);
  });

  it('an observer finds the leader, learns every committed record, follows the next leader, and is listed as an observer', async () => {
    const root = await temp.make();
    const OBSERVER = 4;
    for (const id of [...VOTERS, OBSERVER]) await listen(id);
    const addresses = new Map(VOTERS.map((id) => [id, (voters.get(id) as Voter).listener.address]));
    for (const v of [...voters.values()]) await start(v, root, addresses);
    const observer = voters.get(OBSERVER) as Voter;

    // agreedLeader waits for the observer too: it names the leader once a voter's answer did.
    const first = await agreedLeader(0);
    assert.notEqual(first.id, OBSERVER);
    await first.raft?.append([record(1), record(2)]);
    await until(appliedEverywhere([1, 2]));
    assert.deepEqual(observer.raft?.controllerState(), { active: false, leaderId: first.id });
    assert.equal(observer.raft?.raftState().state, 'observer');
    // The leader lists it under observers (DescribeQuorum over the wire), never among the voters.
    const end = first.raft?.raftState().logEndOffset ?? -1;
    let described = '';
    await until(() => {
      const q = first.raft?.describeQuorum();
      described = JSON.stringify(q?.observers);
      return q?.observers.some((o) => o.replicaId === OBSERVER && o.logEndOffset === end) ? null : `observer not caught up in ${described} (end ${end})`;
    });
    const client = await RawClient.connect(`${first.listener.address.host}:${first.listener.address.port}`);
    try {
      const r = await rawCall(client, 55, 2, true, encodeDescribeQuorumRequest, decodeDescribeQuorumResponse, { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] });
      const p = r.topics[0]?.partitions[0];
      assert.deepEqual(p?.currentVoters.map((v) => v.replicaId), VOTERS);
      assert.deepEqual(p?.observers.map((o) => o.replicaId), [OBSERVER]);
      assert.ok((p?.observers[0]?.logEndOffset ?? -1n) > 0n && (p?.observers[0]?.lastFetchTimestamp ?? -1n) > 0n);
    } finally {
      client.close();
    }

    await stop(first);
    const second = await agreedLeader(first.raft?.epoch ?? 0);
    assert.notEqual(second.id, OBSERVER);
    await second.raft?.append([record(3)]);
    await until(appliedEverywhere([1, 2, 3]));
    // Its quorum-state file names the leader it follows, with no vote, beside the static voters.
    const text = (await fs.readFile(path.join(root, `node-${OBSERVER}`, '__cluster_metadata-0', QUORUM_STATE_FILE))).toString('utf8');
    assert.deepEqual(decodeQuorumState(text), { epoch: second.raft?.epoch, leaderId: second.id, votedId: -1 });
    assert.deepEqual(JSON.parse(text).currentVoters, VOTERS.map((voterId) => ({ voterId })));
  });

  it('an observer with only a bootstrap server learns the leader and its address from Fetch answers, before and after a leader change', async () => {
    const root = await temp.make();
    const OBSERVER = 4;
    for (const id of VOTERS) await listen(id);
    const addresses = new Map(VOTERS.map((id) => [id, (voters.get(id) as Voter).listener.address]));
    for (const id of VOTERS) await start(voters.get(id) as Voter, root, addresses);
    const first = await agreedLeader(0);
    // Its one bootstrap server is a voter that does not lead: the leader's address comes only from NodeEndpoints.
    const via = VOTERS.find((id) => id !== first.id) as number;
    const observer = await listen(OBSERVER);
    await start(observer, root, addresses, [addresses.get(via) as HostPort]);
    await first.raft?.append([record(1), record(2)]);
    await until(appliedEverywhere([1, 2]));
    assert.equal(observer.raft?.leaderId, first.id);
    assert.deepEqual(first.raft?.describeQuorum().observers.map((o) => o.replicaId), [OBSERVER]);

    await stop(first);
    const second = await agreedLeader(first.raft?.epoch ?? 0);
    await second.raft?.append([record(3)]);
    await until(appliedEverywhere([1, 2, 3]));
    assert.equal(observer.raft?.leaderId, second.id);
    assert.equal(observer.raft?.raftState().state, 'observer');

    // Restarted, its quorum-state names a leader it has no address for: it asks its bootstrap
    // server again, and learns the committed records (an empty image at start) once more.
    await stop(observer);
    const again = await listen(OBSERVER);
    await start(again, root, addresses, [addresses.get(via) as HostPort]);
    await until(appliedEverywhere([1, 2, 3]));
    assert.equal(again.raft?.leaderId, second.id);
  });
});
