/**
 * Observers (a node not among the voters, Kafka's broker-only node) in the pure core: they find
 * the leader by fetching from voters, replicate and learn the high watermark from it, and never
 * vote, stand or lead; the leader lists them but counts them toward nothing.
 */
import assert from 'node:assert/strict';
import type { Random } from '../io/random.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { raftConfig } from './config.js';
import type { FetchRequest, FetchResponse, RaftMessage } from './messages.js';
import type { ElectionState } from './quorum-state-file.js';
import { RaftCore } from './raft-core.js';
import type { RaftOutput } from './steps.js';
import { MemLog } from '../testing/raft-mem-log.js';

/** Always the lowest value: election timeouts are exactly electionTimeoutMs; discovery starts at the first voter. */
const lowest: Random = { nextInt: () => 0 };


function node(id: number, voters: number[], quorumState?: ElectionState, log = new MemLog()): { core: RaftCore; log: MemLog } {
  const epochStarts = [...new Map(log.log.map((e) => [e.epoch, e.offset]))].map(([epoch, startOffset]) => ({ epoch, startOffset }));
  const core = new RaftCore({ localId: id, voters, config: raftConfig(), random: lowest, reader: log, quorumState, log: { startOffset: 0, endOffset: log.log.length, epochStarts } });
  return { core, log };
}

const sends = (out: readonly RaftOutput[]): { to: number; message: RaftMessage }[] => out.flatMap((o) => (o.kind === 'send' ? [{ to: o.to, message: o.message }] : []));
const VOTERS = [1, 2, 3];

describe('raft/observers', () => {
  it('an observer finds the leader through the voters, replicates the committed log, and counts toward nothing', () => {
    const nodes = new Map([...VOTERS, 4].map((id) => [id, node(id, VOTERS)]));
    let now = 0;
    const queue: { from: number; to: number; message: RaftMessage }[] = [];
    const fromObserver: RaftMessage[] = [];
    const persistedByObserver: ElectionState[] = [];
    const feed = (id: number, out: RaftOutput[]): void => {
      nodes.get(id)?.log.apply(out);
      for (const s of sends(out)) queue.push({ from: id, ...s });
      if (id !== 4) return;
      fromObserver.push(...sends(out).map((s) => s.message));
      for (const o of out) if (o.kind === 'persistQuorumState') persistedByObserver.push(o.state);
    };
    const deliverAll = (drop: (m: { from: number; to: number }) => boolean = () => false): void => {
      for (let i = 0; i < 500 && queue.length > 0; i++) {
        const m = queue.shift();
        if (m === undefined || drop(m)) continue;
        const n = nodes.get(m.to);
        if (n !== undefined) feed(m.to, n.core.step(now, { kind: 'receive', from: m.from, message: m.message }));
      }
    };
    const tickAll = (): void => {
      for (const [id, n] of nodes) feed(id, n.core.step(now, { kind: 'tick' }));
    };
    const observer = nodes.get(4)?.core as RaftCore;
    const leader = nodes.get(1)?.core as RaftCore;
    assert.equal(observer.isObserver, true);
    tickAll();
    // No leader anywhere yet: the observer asks one voter (the first, with the lowest random) at a time.
    assert.deepEqual(sends(observer.step(now, { kind: 'tick' })), [], 'one discovery fetch at a time');
    assert.deepEqual(queue.filter((m) => m.from === 4).map((m) => [m.to, m.message.kind, (m.message as FetchRequest).replicaId]), [[1, 'FetchRequest', 4]]);
    deliverAll();
    // Node 1 times out first and wins; the observer keeps asking and learns the leader from an answer.
    now = 1000;
    feed(1, leader.step(now, { kind: 'tick' }));
    deliverAll();
    for (now = 1010; now <= 1200; now += 50) {
      tickAll();
      deliverAll();
    }
    assert.equal(leader.role, 'leader');
    assert.deepEqual([observer.role, observer.leaderId, observer.epoch], ['follower', 1, leader.epoch]);
    // Entries commit on the voters' majority; the observer gets them and the high watermark.
    // (A fetch that finds nothing new waits fetchMaxWaitMs at the leader: the HW may come with its answer.)
    feed(1, leader.step(now, { kind: 'propose', id: 1, entries: [new Uint8Array([7]), new Uint8Array([8])] }));
    for (let round = 0; round < 4; round++, now += 200) {
      tickAll();
      deliverAll();
    }
    assert.equal(leader.highWatermark, 3);
    assert.equal(observer.highWatermark, 3);
    assert.deepEqual(nodes.get(4)?.log.log.map((e) => e.data[0] ?? 'LC'), ['LC', 7, 8]);
    // It never voted or stood: its quorum-state names the leader with no vote, and it sent only fetches.
    assert.deepEqual(persistedByObserver.at(-1), { epoch: leader.epoch, leaderId: 1, votedId: -1 });
    assert.ok(persistedByObserver.every((s) => s.votedId === -1));
    assert.deepEqual([...new Set(fromObserver.map((m) => m.kind))], ['FetchRequest']);
    // With voters 2 and 3 cut off, the observer holding the new entry moves no high watermark.
    const proposedAt = now;
    feed(1, leader.step(now, { kind: 'propose', id: 2, entries: [new Uint8Array([9])] }));
    for (let round = 0; round < 4; round++, now += 10) {
      tickAll();
      deliverAll((m) => m.from === 2 || m.from === 3 || m.to === 2 || m.to === 3);
    }
    assert.equal(leader.highWatermark, 3);
    assert.equal(nodes.get(4)?.log.log.length, 4);
    const dq = leader.describeQuorum();
    assert.deepEqual(dq.currentVoters.map((v) => v.replicaId), VOTERS);
    assert.deepEqual(dq.observers.map((o) => [o.replicaId, o.logEndOffset]), [[4, 4]]);
    // It fetched offset 4 (caught up) once it had the new entry.
    assert.ok((dq.observers[0]?.lastFetchTimestamp ?? -1) >= proposedAt && (dq.observers[0]?.lastCaughtUpTimestamp ?? -1) >= proposedAt);
    // Nor does it keep the leader in office: fetched only by the observer, it resigns (check-quorum).
    const cutOffAt = now;
    for (now += 500; now <= cutOffAt + 3500; now += 500) {
      tickAll();
      deliverAll((m) => m.from === 2 || m.from === 3 || m.to === 2 || m.to === 3);
    }
    assert.equal(leader.role, 'resigned');
    assert.deepEqual([observer.role, observer.isObserver], ['follower', true]);
  });

  it('a voter that does not lead answers NOT_LEADER_OR_FOLLOWER with its leader; the observer follows that leader', () => {
    const { core: o } = node(4, VOTERS);
    const ask = sends(o.step(0, { kind: 'tick' }));
    assert.equal(ask.length, 1);
    const { core: voter } = node(1, VOTERS, { epoch: 5, leaderId: 2, votedId: 3 });
    voter.step(0, { kind: 'tick' });
    const answer = sends(voter.step(1, { kind: 'receive', from: 4, message: ask[0]?.message as RaftMessage }));
    const resp = answer[0]?.message as FetchResponse;
    assert.deepEqual([answer[0]?.to, resp.kind, resp.errorCode, resp.leaderId, resp.leaderEpoch], [4, 'FetchResponse', ErrorCode.NOT_LEADER_OR_FOLLOWER, 2, 5]);
    assert.equal(voter.role, 'follower', 'an observer\'s fetch changes nothing on a voter');
    const out = o.step(2, { kind: 'receive', from: 1, message: resp });
    assert.deepEqual(out.find((x) => x.kind === 'persistQuorumState'), { kind: 'persistQuorumState', state: { epoch: 5, leaderId: 2, votedId: -1 } });
    const next = sends(out);
    assert.deepEqual(next.map((s) => [s.to, s.message.kind, (s.message as FetchRequest).currentLeaderEpoch]), [[2, 'FetchRequest', 5]]);
  });

  it('an observer never stands, however long it waits, refuses votes, and looks for a new leader after a fetch timeout', () => {
    const { core: o } = node(4, VOTERS);
    const sent: { to: number; message: RaftMessage }[] = [];
    let now = 0;
    for (let i = 0; i < 100 && now <= 20_000; i++) {
      sent.push(...sends(o.step(now, { kind: 'tick' })));
      const next = o.nextDeadlineMs();
      assert.ok(next > now, `next deadline ${next} is not after ${now}: the driver would spin`);
      now = next;
    }
    assert.equal(o.role, 'unattached');
    assert.ok(sent.every((s) => s.message.kind === 'FetchRequest'));
    // Unanswered, a discovery fetch is re-sent only after the request timeout (2000 ms).
    assert.ok(sent.length >= 10 && sent.length <= 11, `${sent.length} fetches in 20 s`);
    const vote = o.step(now, { kind: 'receive', from: 2, message: { kind: 'VoteRequest', correlationId: 9, candidateEpoch: 3, candidateId: 2, lastOffsetEpoch: 0, lastOffset: 0, preVote: false } });
    assert.deepEqual(vote.filter((x) => x.kind !== 'send' || x.message.kind !== 'FetchRequest'), [{ kind: 'send', to: 2, message: { kind: 'VoteResponse', correlationId: 9, errorCode: ErrorCode.INCONSISTENT_VOTER_SET, leaderId: -1, leaderEpoch: 0, voteGranted: false } }]);

    // Restarted with a leader in its quorum-state, it follows it at once.
    const { core: f } = node(4, VOTERS, { epoch: 5, leaderId: 2, votedId: -1 });
    const first = f.step(0, { kind: 'tick' });
    assert.deepEqual([f.role, f.leaderId], ['follower', 2]);
    assert.deepEqual(sends(first).map((s) => s.to), [2]);
    // The leader goes silent: after the fetch timeout it asks a voter (the first), which names the new leader.
    const look = sends(f.step(2000, { kind: 'tick' }));
    assert.deepEqual(look.map((s) => [s.to, s.message.kind]), [[1, 'FetchRequest']]);
    const req = look[0]?.message as FetchRequest;
    const out = f.step(2001, { kind: 'receive', from: 1, message: { kind: 'FetchResponse', correlationId: req.correlationId, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, leaderId: 3, leaderEpoch: 6, highWatermark: -1, records: [] } });
    assert.deepEqual([f.role, f.leaderId, f.epoch], ['follower', 3, 6]);
    assert.deepEqual(sends(out).map((s) => s.to), [3]);
  });

  it('an observer truncates a diverged tail on its leader\'s DivergingEpoch', () => {
    const log = new MemLog();
    log.log = [0, 1, 2].map((offset) => ({ offset, epoch: offset === 0 ? 1 : 2, data: new Uint8Array([offset]) }));
    const { core: o } = node(4, VOTERS, { epoch: 3, leaderId: 1, votedId: -1 }, log);
    const ask = sends(o.step(0, { kind: 'tick' }))[0]?.message as FetchRequest;
    assert.deepEqual([ask.fetchOffset, ask.lastFetchedEpoch, ask.replicaId], [3, 2, 4]);
    const out = o.step(1, { kind: 'receive', from: 1, message: { kind: 'FetchResponse', correlationId: ask.correlationId, errorCode: 0, leaderId: 1, leaderEpoch: 3, highWatermark: 1, divergingEpoch: { epoch: 1, endOffset: 1 }, records: [] } });
    assert.ok(out.some((x) => x.kind === 'truncate' && x.endOffset === 1));
    assert.equal(o.logEndOffset, 1);
    const again = sends(out)[0]?.message as FetchRequest;
    assert.deepEqual([again.fetchOffset, again.lastFetchedEpoch], [1, 1]);
  });
});
