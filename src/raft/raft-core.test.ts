import assert from 'node:assert/strict';
import type { Random } from '../io/random.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { raftConfig } from './config.js';
import type { RaftLogReader } from './core-context.js';
import type { RaftMessage, VoteRequest } from './messages.js';
import type { ElectionState } from './quorum-state-file.js';
import { RaftCore } from './raft-core.js';
import type { RaftOutput } from './steps.js';
import { MemLog } from '../testing/raft-mem-log.js';

/** Always the lowest value: election timeouts are exactly electionTimeoutMs. */
const lowest: Random = { nextInt: () => 0 };


function core(id: number, voters: number[], opts: { quorumState?: ElectionState; log?: MemLog } = {}): { core: RaftCore; log: MemLog } {
  const log = opts.log ?? new MemLog();
  const c = new RaftCore({ localId: id, voters, config: raftConfig(), random: lowest, reader: log, quorumState: opts.quorumState, log: { startOffset: 0, endOffset: log.log.length, epochStarts: [...new Map(log.log.map((e) => [e.epoch, e.offset]))].map(([epoch, startOffset]) => ({ epoch, startOffset })) } });
  return { core: c, log };
}

const sends = (out: readonly RaftOutput[]): { to: number; message: RaftMessage }[] => out.flatMap((o) => (o.kind === 'send' ? [{ to: o.to, message: o.message }] : []));
const kinds = (out: readonly RaftOutput[]): string[] => out.map((o) => (o.kind === 'send' ? `send:${o.message.kind}` : o.kind));

function voteRequest(over: Partial<VoteRequest> = {}): VoteRequest {
  return { kind: 'VoteRequest', correlationId: 7, candidateEpoch: 1, candidateId: 2, lastOffsetEpoch: 0, lastOffset: 0, preVote: false, ...over };
}

describe('raft/raft-core', () => {
  it('a lone voter elects itself at once and commits its LeaderChange entry once flushed', () => {
    const { core: c, log } = core(1, [1]);
    const out = c.step(0, { kind: 'tick' });
    log.apply(out);
    assert.equal(c.role, 'leader');
    assert.equal(c.epoch, 1);
    // The vote for itself is persisted before it leads; the entry is flushed before the HW moves.
    assert.deepEqual(kinds(out), ['persistQuorumState', 'leaderChange', 'persistQuorumState', 'leaderChange', 'append', 'becameLeader']);
    assert.equal(log.log[0]?.control, 'leaderChange');
    assert.equal(c.highWatermark, undefined);
    // The leader flushes at its next step (the driver is asked to come back at once).
    assert.equal(c.nextDeadlineMs(), 0);
    assert.deepEqual(kinds(c.step(0, { kind: 'tick' })), ['flush', 'highWatermark']);
    assert.equal(c.highWatermark, 1);
    const p = c.step(1, { kind: 'propose', id: 9, entries: [new Uint8Array([1])] });
    assert.deepEqual(p.find((o) => o.kind === 'proposalResult'), { kind: 'proposalResult', id: 9, result: { accepted: true, baseOffset: 1, lastOffset: 1, epoch: 1 } });
    assert.equal(c.describeQuorum().highWatermark, 2);
    // Restarted from its quorum-state, it leads again at once, in the next epoch.
    const again = core(1, [1], { quorumState: { epoch: 1, leaderId: 1, votedId: 1 }, log });
    again.core.step(5, { kind: 'tick' });
    assert.equal(again.core.role, 'leader');
    assert.equal(again.core.epoch, 2);
  });

  it('persists a vote before answering it, and grants one vote per epoch', () => {
    const { core: c } = core(1, [1, 2, 3]);
    c.step(0, { kind: 'tick' });
    const out = c.step(10, { kind: 'receive', from: 2, message: voteRequest() });
    assert.deepEqual(kinds(out), ['persistQuorumState', 'leaderChange', 'persistQuorumState', 'send:VoteResponse']);
    assert.deepEqual(out[2], { kind: 'persistQuorumState', state: { epoch: 1, leaderId: -1, votedId: 2 } });
    assert.equal((sends(out)[0]?.message as { voteGranted: boolean }).voteGranted, true);
    const second = c.step(11, { kind: 'receive', from: 3, message: voteRequest({ candidateId: 3 }) });
    assert.deepEqual(kinds(second), ['send:VoteResponse']);
    assert.equal((sends(second)[0]?.message as { voteGranted: boolean }).voteGranted, false);
  });

  it('refuses a candidate whose log is behind, and a stale epoch', () => {
    const log = new MemLog();
    log.log = [{ offset: 0, epoch: 2, data: new Uint8Array(0) }];
    const { core: c } = core(1, [1, 2, 3], { quorumState: { epoch: 2, leaderId: -1, votedId: -1 }, log });
    c.step(0, { kind: 'tick' });
    const behind = sends(c.step(1, { kind: 'receive', from: 2, message: voteRequest({ candidateEpoch: 3, lastOffsetEpoch: 1, lastOffset: 5 }) }));
    assert.equal((behind[0]?.message as { voteGranted: boolean }).voteGranted, false);
    const stale = sends(c.step(2, { kind: 'receive', from: 3, message: voteRequest({ candidateId: 3, candidateEpoch: 1, lastOffsetEpoch: 0, lastOffset: 9 }) }));
    assert.deepEqual(stale[0]?.message, { kind: 'VoteResponse', correlationId: 7, errorCode: ErrorCode.FENCED_LEADER_EPOCH, leaderId: -1, leaderEpoch: 3, voteGranted: false });
    // A candidate cannot hold entries of the epoch it is standing in (Kafka: INVALID_REQUEST).
    const illegal = sends(c.step(3, { kind: 'receive', from: 3, message: voteRequest({ candidateId: 3, candidateEpoch: 4, lastOffsetEpoch: 4, lastOffset: 9 }) }));
    assert.equal((illegal[0]?.message as { errorCode: number }).errorCode, ErrorCode.INVALID_REQUEST);
  });

  it('pre-votes change nothing on disk, and a follower that hears from its leader refuses them', () => {
    const { core: c } = core(1, [1, 2, 3], { quorumState: { epoch: 4, leaderId: 2, votedId: -1 } });
    // It fetches from leader 2 at once and gets an answer: the leader is alive.
    const fetch = sends(c.step(0, { kind: 'tick' })).find((s) => s.message.kind === 'FetchRequest');
    assert.ok(fetch !== undefined);
    c.step(2, { kind: 'receive', from: 2, message: { kind: 'FetchResponse', correlationId: fetch.message.correlationId, errorCode: 0, leaderId: 2, leaderEpoch: 4, highWatermark: 0, records: [] } });
    const out = c.step(3, { kind: 'receive', from: 3, message: voteRequest({ candidateId: 3, candidateEpoch: 4, preVote: true }) });
    assert.deepEqual(kinds(out).filter((k) => k !== 'send:FetchRequest'), ['send:VoteResponse']);
    assert.deepEqual(sends(out).find((s) => s.to === 3)?.message, { kind: 'VoteResponse', correlationId: 7, errorCode: 0, leaderId: 2, leaderEpoch: 4, voteGranted: false });
    // Once the fetch timeout has passed without a word from the leader, it would.
    const later = c.step(2_500, { kind: 'receive', from: 3, message: voteRequest({ candidateId: 3, candidateEpoch: 4, preVote: true }) });
    assert.equal(later.some((o) => o.kind === 'persistQuorumState' && o.state.votedId === 3), false);
  });

  it('a leader restarted from its quorum-state resigns instead of leading the same epoch again', () => {
    const { core: c } = core(1, [1, 2, 3], { quorumState: { epoch: 3, leaderId: 1, votedId: 1 } });
    const out = c.step(0, { kind: 'tick' });
    assert.equal(c.role, 'resigned');
    assert.deepEqual(sends(out).map((s) => s.message.kind), ['EndQuorumEpochRequest', 'EndQuorumEpochRequest']);
    const p = c.step(1, { kind: 'propose', id: 1, entries: [new Uint8Array([1])] });
    assert.deepEqual(p, [{ kind: 'proposalResult', id: 1, result: { accepted: false, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, leaderId: -1, leaderEpoch: 3 } }]);
  });

  it('three voters: elect, replicate, move the high watermark only with a majority, answer divergence', () => {
    const nodes = new Map([1, 2, 3].map((id) => [id, core(id, [1, 2, 3])]));
    let now = 0;
    const queue: { from: number; to: number; message: RaftMessage }[] = [];
    const feed = (id: number, out: RaftOutput[]): void => {
      nodes.get(id)?.log.apply(out);
      for (const s of sends(out)) queue.push({ from: id, ...s });
    };
    const deliverAll = (drop: (m: { from: number; to: number }) => boolean = () => false): void => {
      for (let i = 0; i < 200 && queue.length > 0; i++) {
        const m = queue.shift();
        if (m === undefined || drop(m)) continue;
        const n = nodes.get(m.to);
        if (n !== undefined) feed(m.to, n.core.step(now, { kind: 'receive', from: m.from, message: m.message }));
      }
    };
    for (const [id, n] of nodes) feed(id, n.core.step(now, { kind: 'tick' }));
    // Node 1 times out first (1000 ms with the lowest random) and wins.
    now = 1000;
    feed(1, nodes.get(1)?.core.step(now, { kind: 'tick' }) ?? []);
    deliverAll();
    const leader = nodes.get(1)?.core;
    assert.equal(leader?.role, 'leader');
    feed(1, leader.step(now + 1, { kind: 'tick' })); // flush the LeaderChange entry
    deliverAll();
    assert.equal(leader.highWatermark, 1);
    assert.equal(nodes.get(2)?.core.leaderId, 1);
    // With node 3 cut off, node 2's acknowledgement is still a majority.
    feed(1, leader.step(now + 2, { kind: 'propose', id: 1, entries: [new Uint8Array([7])] }));
    feed(1, leader.step(now + 3, { kind: 'tick' }));
    deliverAll((m) => m.to === 3 || m.from === 3);
    assert.equal(leader.highWatermark, 2);
    assert.equal(nodes.get(2)?.log.log.length, 2);
    const dq = leader.describeQuorum();
    assert.equal(dq.leaderId, 1);
    assert.deepEqual(dq.currentVoters.map((v) => v.logEndOffset), [2, 2, 1]);
    // A fetch claiming entries of an epoch the leader never wrote gets a DivergingEpoch.
    const out = leader.step(now + 4, { kind: 'receive', from: 3, message: { kind: 'FetchRequest', correlationId: 1, replicaId: 3, currentLeaderEpoch: 1, fetchOffset: 5, lastFetchedEpoch: 1 } });
    const resp = sends(out)[0]?.message;
    assert.equal(resp?.kind, 'FetchResponse');
    assert.deepEqual(resp.kind === 'FetchResponse' ? resp.divergingEpoch : undefined, { epoch: 1, endOffset: 2 });
  });

  it('a follower named first by a resigning leader stands at once, and its peers grant the pre-vote', () => {
    const { core: f } = core(2, [1, 2, 3], { quorumState: { epoch: 5, leaderId: 1, votedId: -1 } });
    f.step(0, { kind: 'tick' });
    const out = f.step(10, { kind: 'receive', from: 1, message: { kind: 'EndQuorumEpochRequest', correlationId: 3, leaderId: 1, leaderEpoch: 5, preferredSuccessors: [2, 3] } });
    assert.equal(f.role, 'prospective');
    const preVotes = sends(out).filter((s) => s.message.kind === 'VoteRequest');
    assert.deepEqual(preVotes.map((s) => s.to), [1, 3]);
    assert.deepEqual(preVotes.map((s) => (s.message as VoteRequest).preVote), [true, true]);
    assert.deepEqual(sends(out).find((s) => s.message.kind === 'EndQuorumEpochResponse')?.message, { kind: 'EndQuorumEpochResponse', correlationId: 3, errorCode: 0, leaderId: 1, leaderEpoch: 5 });
    // Node 3 also heard the resignation: it grants the pre-vote though its leader spoke recently.
    const { core: peer } = core(3, [1, 2, 3], { quorumState: { epoch: 5, leaderId: 1, votedId: -1 } });
    peer.step(0, { kind: 'tick' });
    peer.step(10, { kind: 'receive', from: 1, message: { kind: 'EndQuorumEpochRequest', correlationId: 4, leaderId: 1, leaderEpoch: 5, preferredSuccessors: [2, 3] } });
    const answer = sends(peer.step(11, { kind: 'receive', from: 2, message: preVotes[1]?.message as VoteRequest })).find((s) => s.to === 2);
    assert.equal((answer?.message as { voteGranted: boolean }).voteGranted, true);
  });

  it('a follower behind the leader\'s log start pulls the snapshot in chunks, installs it, then fetches on', () => {
    const snapshot = new Uint8Array(300).map((_, i) => i % 251);
    const reader: RaftLogReader = {
      entries: () => [],
      snapshotChunk: (id, position, maxBytes) => (id.endOffset === 10 && id.epoch === 2 ? { bytes: snapshot.subarray(position, position + maxBytes), size: snapshot.length } : undefined),
    };
    const leader = new RaftCore({ localId: 1, voters: [1, 2, 3], config: raftConfig({ fetchSnapshotMaxBytes: 128 }), random: lowest, reader, quorumState: { epoch: 3, leaderId: -1, votedId: 1 }, log: { startOffset: 10, endOffset: 10, snapshotId: { endOffset: 10, epoch: 2 }, epochStarts: [] } });
    const { core: f } = core(2, [1, 2, 3], { quorumState: { epoch: 4, leaderId: 1, votedId: -1 } });
    // Make node 1 leader of epoch 4 by hand: it stands (pre-vote, vote) and node 2's vote is enough.
    leader.step(0, { kind: 'tick' });
    const preVotes = leader.step(2000, { kind: 'tick' });
    assert.equal(leader.role, 'prospective');
    const exchange = (from: RaftCore, fromId: number, to: RaftCore, toId: number, out: RaftOutput[], now: number): RaftOutput[] =>
      sends(out).filter((s) => s.to === toId).flatMap((s) => to.step(now, { kind: 'receive', from: fromId, message: s.message }));
    const voter = core(3, [1, 2, 3]).core;
    voter.step(0, { kind: 'tick' });
    const granted = exchange(leader, 1, voter, 3, preVotes, 2001);
    const votes = exchange(voter, 3, leader, 1, granted, 2002);
    assert.equal(leader.role, 'candidate');
    exchange(voter, 3, leader, 1, exchange(leader, 1, voter, 3, votes, 2003), 2004);
    let fromLeader: RaftOutput[];
    assert.equal(leader.role, 'leader');
    // Node 2, an empty follower, fetches at 0 and is sent to the snapshot.
    let out = f.step(3000, { kind: 'tick' });
    const installed: RaftOutput[] = [];
    for (let round = 0; round < 10 && !installed.some((o) => o.kind === 'installSnapshot'); round++) {
      fromLeader = exchange(f, 2, leader, 1, out, 3000 + round);
      out = exchange(leader, 1, f, 2, fromLeader, 3000 + round);
      installed.push(...out);
    }
    const chunks = installed.flatMap((o) => (o.kind === 'snapshotChunk' ? [o.position] : []));
    assert.deepEqual(chunks, [0, 128, 256]);
    assert.ok(installed.some((o) => o.kind === 'installSnapshot' && o.snapshotId.endOffset === 10));
    assert.equal(f.logStartOffset, 10);
    assert.equal(f.logEndOffset, 10);
    const next = sends(out).find((s) => s.message.kind === 'FetchRequest')?.message;
    assert.deepEqual(next && next.kind === 'FetchRequest' ? [next.fetchOffset, next.lastFetchedEpoch] : undefined, [10, 2]);
  });

  it('a follower that timed out goes back to its leader when the others still hear from it, and stands when they do not', () => {
    const start = (): { c: RaftCore; preVotes: { to: number; message: RaftMessage }[] } => {
      const { core: c } = core(1, [1, 2, 3], { quorumState: { epoch: 4, leaderId: 2, votedId: -1 } });
      c.step(0, { kind: 'tick' });
      const out = c.step(2000, { kind: 'tick' });
      assert.equal(c.role, 'prospective');
      return { c, preVotes: sends(out).filter((s) => s.message.kind === 'VoteRequest') };
    };
    const answer = (c: RaftCore, from: number, req: RaftMessage, voteGranted: boolean, now: number): RaftOutput[] =>
      c.step(now, { kind: 'receive', from, message: { kind: 'VoteResponse', correlationId: req.correlationId, errorCode: 0, leaderId: 2, leaderEpoch: 4, voteGranted } });
    // Node 3 still fetches from leader 2 and refuses; so does node 2, the leader itself.
    const alive = start();
    answer(alive.c, 3, alive.preVotes.find((s) => s.to === 3)?.message as RaftMessage, false, 2001);
    const back = answer(alive.c, 2, alive.preVotes.find((s) => s.to === 2)?.message as RaftMessage, false, 2002);
    assert.equal(alive.c.role, 'follower');
    assert.equal(alive.c.leaderId, 2);
    assert.ok(sends(back).some((s) => s.to === 2 && s.message.kind === 'FetchRequest'), 'fetches again at once');
    // Node 3 lost the leader too and grants: a majority, so node 1 stands as candidate for epoch 5.
    const dead = start();
    const stand = answer(dead.c, 3, dead.preVotes.find((s) => s.to === 3)?.message as RaftMessage, true, 2001);
    assert.equal(dead.c.role, 'candidate');
    assert.equal(dead.c.epoch, 5);
    assert.deepEqual(stand.find((o) => o.kind === 'persistQuorumState'), { kind: 'persistQuorumState', state: { epoch: 5, leaderId: -1, votedId: 1 } });
  });
});
