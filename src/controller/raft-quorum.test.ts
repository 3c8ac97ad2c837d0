/**
 * Three metadata logs on real disks form a quorum through Kafka's wire format (every message is
 * encoded to bytes and decoded again on the way): one leader is elected, a proposal commits on a
 * majority, and when the leader goes away another is elected in a higher epoch and commits without
 * it; every voter learns the committed records once, in order, the restarted old leader too. Real timers, short Raft timeouts; every wait is bounded and polls for the condition.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { realFileSystem as fs } from '../io/real-file-system.js';
import { systemClock } from '../io/clock.js';
import { systemRandom } from '../io/random.js';
import { DEFAULT_LOG_CONFIG } from '../storage/log-config.js';
import { PartitionLog } from '../storage/partition-log.js';
import { TempDirs } from '../storage/test-dirs.js';
import type { MetadataRecord } from '../metadata/metadata-record.js';
import type { CommittedRecord } from './metadata-publisher.js';
import { raftConfig } from '../raft/index.js';
import { RaftMetadataLog } from './raft-metadata-log.js';
import { readEntries } from './metadata-log-entries.js';
import { decodeWireRequest, decodeWireResponse, encodeWireRequest, encodeWireResponse } from './raft-wire.js';
import type { RaftTransport } from './raft-messenger.js';

const VOTERS = [1, 2, 3];
const CONFIG = raftConfig({ electionTimeoutMs: 150, fetchTimeoutMs: 300, electionBackoffMaxMs: 150, requestTimeoutMs: 300, retryBackoffMs: 20, fetchMaxWaitMs: 50 });
const record = (level: number): MetadataRecord => ({ type: 'featureLevel', version: 0, data: { name: 'test.feature', featureLevel: level } });

interface Voter {
  readonly id: number;
  readonly raft: RaftMetadataLog;
  readonly log: PartitionLog;
  /** What onCommitted told this voter, in order: [offset, featureLevel]. */
  readonly applied: [number, number][];
}

describe('controller: a three-voter metadata quorum over the wire format', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  const up = new Map<number, Voter>();
  const fatal: string[] = [];
  let correlation = 0;

  /** In-process transport: bytes in, bytes out; a voter that is down does not answer. */
  const transport: RaftTransport = {
    async send(to, request) {
      const peer = up.get(to);
      if (peer === undefined) throw new Error(`voter ${to} is down`);
      const response = await peer.raft.handleRequest(decodeWireRequest(request.apiKey, encodeWireRequest(request)), ++correlation);
      return decodeWireResponse(response.apiKey, encodeWireResponse(response));
    },
  };

  async function start(id: number, root: string): Promise<Voter> {
    const log = await PartitionLog.open(fs, path.join(root, `node-${id}`, '__cluster_metadata-0'), DEFAULT_LOG_CONFIG);
    const applied: [number, number][] = [];
    const onCommitted = async (batch: readonly CommittedRecord[]): Promise<void> => {
      for (const { record: r, offset } of batch) applied.push([offset, r.type === 'featureLevel' ? r.data.featureLevel : -1]);
    };
    const raft = await RaftMetadataLog.open({ fs, log, clock: systemClock, random: systemRandom, nodeId: id, voters: VOTERS, config: CONFIG, transport, clusterId: 'quorum-test', onCommitted, onFatal: (e) => fatal.push(`voter ${id}: ${e instanceof Error ? e.stack : String(e)}`) });
    const v = { id, raft, log, applied };
    up.set(id, v);
    await raft.start();
    return v;
  }

  async function stop(v: Voter): Promise<void> {
    up.delete(v.id);
    v.raft.close();
    await v.log.close();
  }

  /** The one voter that leads, once every live voter agrees on it (bounded). */
  async function agreedLeader(aboveEpoch: number): Promise<Voter> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const live = [...up.values()];
      const leaders = live.filter((v) => v.raft.leaderId === v.id && v.raft.describeQuorum().errorCode === 0);
      const leader = leaders[0];
      if (leaders.length === 1 && leader !== undefined && leader.raft.epoch > aboveEpoch && live.every((v) => v.raft.leaderId === leader.id && v.raft.epoch === leader.raft.epoch)) return leader;
      assert.deepEqual(fatal, [], 'no voter failed');
      assert.ok(Date.now() < deadline, `no agreed leader: ${live.map((v) => `${v.id}: leader ${v.raft.leaderId} epoch ${v.raft.epoch}`).join('; ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  afterEach(async () => {
    fatal.length = 0;
    for (const v of [...up.values()]) await stop(v);
    await temp.cleanup();
  });

  it('elects one leader, commits on a majority, and elects another in a higher epoch when it goes', async () => {
    const root = await temp.make();
    for (const id of VOTERS) await start(id, root);
    const first = await agreedLeader(0);
    assert.deepEqual(await first.raft.append([record(1), record(2)]).then((o) => o.length), 2);
    const q = first.raft.describeQuorum();
    assert.deepEqual(q.currentVoters.map((v) => v.replicaId), VOTERS);

    await stop(first);
    const second = await agreedLeader(first.raft.epoch);
    const offsets = await second.raft.append([record(3)]);
    // Both live voters hold every committed record at the same offsets.
    const logs = await Promise.all([...up.values()].map(async (v) => (await readEntries(v.log)).filter((e) => e.offset <= (offsets[0] ?? 0)).map((e) => [e.offset, e.epoch, Buffer.from(e.data).toString('hex')])));
    assert.deepEqual(logs[0], logs[1]);
    // Every live voter applied the committed records once, in order: followers learn metadata too.
    const last = offsets[0] ?? 0;
    const deadline = Date.now() + 10_000;
    while ([...up.values()].some((v) => (v.applied.at(-1)?.[0] ?? -1) < last) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const v of up.values()) assert.deepEqual(v.applied.map(([, level]) => level), [1, 2, 3], `voter ${v.id} applied ${JSON.stringify(v.applied)}`);

    // The old leader comes back (a restarted process, empty image): it follows, and learns the
    // same records in the same order, the one it missed included.
    const back = await start(first.id, root);
    const until = Date.now() + 10_000;
    while ((back.applied.at(-1)?.[0] ?? -1) < last && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(back.applied.map(([, level]) => level), [1, 2, 3], `the restarted voter applied ${JSON.stringify(back.applied)}`);
    assert.equal(back.raft.leaderId, second.id);
  });
});
