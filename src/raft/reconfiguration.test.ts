/**
 * KIP-853 in the pure core: the voter set follows the log's VotersRecords (taking effect when
 * appended, undone by truncation), the leader adds and removes voters one at a time with Kafka's
 * error codes, the quorum is counted over the set in force, and a leader that removed itself
 * resigns once the change commits. A static quorum (kraft.version 0) refuses changes.
 */
import assert from 'node:assert/strict';
import type { Random } from '../io/random.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { raftConfig } from './config.js';
import type { FetchRequest, RaftMessage } from './messages.js';
import type { ElectionState } from './quorum-state-file.js';
import { RaftCore } from './raft-core.js';
import type { RaftInput, RaftOutput } from './steps.js';
import type { Entry, NodeId } from './types.js';
import type { ReplicaKey } from './voter-set.js';
import { MemLog } from '../testing/raft-mem-log.js';

/** A small deterministic generator per node, so election timeouts differ. */
function seeded(seed: number): Random {
  let x = seed * 7919 + 1;
  return { nextInt: (bound: number) => ((x = (x * 1103515245 + 12345) % 2147483648), bound <= 1 ? 0 : x % bound) };
}
const key = (id: number): ReplicaKey => ({ id, directoryId: `dir-${id}` });


interface TestNode {
  readonly core: RaftCore;
  readonly log: MemLog;
  readonly results: { id: number; errorCode: number }[];
}

/** An in-memory quorum: every node ticked every 10 ms, every message delivered at once unless `cut`. */
class Quorum {
  now = 0;
  readonly nodes = new Map<NodeId, TestNode>();
  private readonly queue: { from: NodeId; to: NodeId; message: RaftMessage }[] = [];
  cut: (from: NodeId, to: NodeId) => boolean = () => false;

  add(id: NodeId, params: { voters?: number[]; base?: ReplicaKey[]; bootstrap?: number[]; quorumState?: ElectionState }): TestNode {
    const log = new MemLog();
    const recovered = { startOffset: 0, endOffset: 0, epochStarts: [], ...(params.base ? { voters: { base: params.base, changes: [] } } : {}) };
    const core = new RaftCore({ localId: id, voters: params.voters ?? [], ...(params.bootstrap ? { bootstrap: params.bootstrap } : {}), config: raftConfig(), random: seeded(id), reader: log, quorumState: params.quorumState, log: recovered });
    const n = { core, log, results: [] };
    this.nodes.set(id, n);
    return n;
  }

  feed(id: NodeId, input: RaftInput): RaftOutput[] {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no node ${id}`);
    const out = n.core.step(this.now, input);
    n.log.apply(out);
    for (const o of out) {
      if (o.kind === 'send') this.queue.push({ from: id, to: o.to, message: o.message });
      if (o.kind === 'voterChangeResult') n.results.push({ id: o.id, errorCode: o.errorCode });
    }
    return out;
  }

  run(ms: number, until?: () => boolean): void {
    const end = this.now + ms;
    while (this.now < end && !(until?.() ?? false)) {
      this.now += 10;
      for (const id of this.nodes.keys()) this.feed(id, { kind: 'tick' });
      for (let i = 0; i < 1000 && this.queue.length > 0; i++) {
        const m = this.queue.shift();
        if (m === undefined || this.cut(m.from, m.to) || !this.nodes.has(m.to)) continue;
        this.feed(m.to, { kind: 'receive', from: m.from, message: m.message });
      }
    }
  }

  leader(): [NodeId, RaftCore] | undefined {
    for (const [id, n] of this.nodes) if (n.core.role === 'leader') return [id, n.core];
    return undefined;
  }

  /** Runs until a leader has committed its epoch (its high watermark passed the epoch start). */
  elect(): [NodeId, RaftCore] {
    this.run(10_000, () => {
      const l = this.leader();
      return l !== undefined && (l[1].highWatermark ?? 0) > 1 && [...this.nodes.values()].every((n) => n.core.highWatermark === l[1].highWatermark);
    });
    const l = this.leader();
    assert.ok(l !== undefined, 'a leader is elected');
    return l;
  }
}

/** Voters 1-3 formatted with the bootstrap voter set (kraft.version 1); 4 and 5 formatted without voters, knowing 1-3 as bootstrap servers. */
function dynamicQuorum(): Quorum {
  const q = new Quorum();
  for (const id of [1, 2, 3]) q.add(id, { base: [key(1), key(2), key(3)] });
  for (const id of [4, 5]) q.add(id, { base: [], bootstrap: [1, 2, 3] });
  return q;
}

describe('raft/reconfiguration (KIP-853)', () => {
  it('a static quorum (kraft.version 0) refuses voter changes with UNSUPPORTED_VERSION', () => {
    const q = new Quorum();
    for (const id of [1, 2, 3]) q.add(id, { voters: [1, 2, 3] });
    const [id, core] = q.elect();
    assert.equal(core.kraftVersion, 0);
    q.feed(id, { kind: 'addVoter', id: 7, voter: key(4) });
    q.feed(id, { kind: 'removeVoter', id: 8, voter: { id: 2, directoryId: '' } });
    assert.deepEqual(q.nodes.get(id)?.results, [
      { id: 7, errorCode: ErrorCode.UNSUPPORTED_VERSION },
      { id: 8, errorCode: ErrorCode.UNSUPPORTED_VERSION },
    ]);
    assert.deepEqual(core.voters, [1, 2, 3]);
    assert.ok(q.nodes.get(id)?.log.log.every((e) => e.control !== 'voters'), 'no VotersRecord in a static log');
  });

  it('the first leader writes the bootstrap voter set into the log; nodes formatted without voters learn it as observers', () => {
    const q = dynamicQuorum();
    const [id] = q.elect();
    const log = q.nodes.get(id)?.log.log ?? [];
    assert.deepEqual(log.slice(0, 2).map((e) => e.control), ['leaderChange', 'voters']);
    assert.deepEqual(log[1]?.voters, [key(1), key(2), key(3)]);
    for (const o of [4, 5]) {
      const core = q.nodes.get(o)?.core as RaftCore;
      assert.equal(core.isObserver, true);
      assert.deepEqual(core.voters, [1, 2, 3]);
      assert.equal(core.leaderId, id);
    }
  });

  it('a standalone leader (its only voter) that adds a voter long after it was elected keeps leading and commits the change', () => {
    const q = new Quorum();
    q.add(1, { base: [key(1)] });
    q.add(2, { base: [], bootstrap: [1] });
    const [id] = q.elect();
    // Far past a check-quorum window (1.5 fetch timeouts) with no other voter fetching.
    q.run(30_000);
    q.feed(id, { kind: 'addVoter', id: 1, voter: key(2) });
    q.run(1_000, () => (q.nodes.get(id)?.results.length ?? 0) > 0);
    assert.deepEqual(q.nodes.get(id)?.results, [{ id: 1, errorCode: ErrorCode.NONE }], 'committed, not NOT_LEADER_OR_FOLLOWER');
    assert.equal(q.leader()?.[0], 1);
    assert.deepEqual(q.nodes.get(2)?.core.voters, [1, 2]);
  });

  it('adds a caught-up observer as a voter: one change at a time, complete when committed, quorum then counted over four', () => {
    const q = dynamicQuorum();
    const [id, leader] = q.elect();
    const results = q.nodes.get(id)?.results ?? [];
    // Not a replica the leader has seen fetching: refused (Kafka: REQUEST_TIMED_OUT).
    q.feed(id, { kind: 'addVoter', id: 1, voter: key(9) });
    q.feed(id, { kind: 'addVoter', id: 2, voter: key(2) });
    assert.deepEqual(results, [
      { id: 1, errorCode: ErrorCode.REQUEST_TIMED_OUT },
      { id: 2, errorCode: ErrorCode.DUPLICATE_VOTER },
    ]);
    const before = leader.logEndOffset;
    q.feed(id, { kind: 'addVoter', id: 3, voter: key(4) });
    // In force at once on the leader, before it commits; a second change waits.
    assert.deepEqual(leader.voters, [1, 2, 3, 4]);
    assert.equal(leader.logEndOffset, before + 1);
    q.feed(id, { kind: 'removeVoter', id: 4, voter: key(3) });
    assert.deepEqual(results.slice(2), [{ id: 4, errorCode: ErrorCode.REQUEST_TIMED_OUT }]);
    q.run(2000, () => results.length === 4);
    assert.deepEqual(results.slice(3), [{ id: 3, errorCode: ErrorCode.NONE }]);
    assert.ok((leader.highWatermark ?? 0) > before);
    const four = q.nodes.get(4)?.core as RaftCore;
    q.run(500, () => four.voters.length === 4);
    assert.equal(four.isObserver, false, 'node 4 is a voter once the VotersRecord reached it');
    // Quorum over {1,2,3,4} is 3: with only the leader and one other fetching, nothing commits.
    const others = [1, 2, 3, 4].filter((v) => v !== id);
    const [keep] = others;
    q.cut = (from, to) => (from !== id && from !== keep && to === id) || (to !== id && to !== keep && from === id);
    const hw = leader.highWatermark;
    q.feed(id, { kind: 'propose', id: 10, entries: [new Uint8Array([1])] });
    q.run(1000);
    assert.equal(leader.highWatermark, hw, 'two of four voters do not commit');
    q.cut = () => false;
    q.run(5000, () => (leader.highWatermark ?? 0) > (hw ?? 0));
    assert.ok((leader.highWatermark ?? 0) > (hw ?? 0), 'three of four do');
  });

  it('removes a voter (VOTER_NOT_FOUND for another directory id); a leader that removes itself resigns once it commits', () => {
    const q = dynamicQuorum();
    const [id, leader] = q.elect();
    const results = q.nodes.get(id)?.results ?? [];
    q.feed(id, { kind: 'removeVoter', id: 1, voter: { id: 2, directoryId: 'another-disk' } });
    assert.deepEqual(results, [{ id: 1, errorCode: ErrorCode.VOTER_NOT_FOUND }]);
    q.feed(id, { kind: 'removeVoter', id: 2, voter: key(id) });
    assert.equal(leader.role, 'leader', 'leads until the removal commits');
    assert.deepEqual([...leader.voters].sort(), [1, 2, 3].filter((v) => v !== id), 'the new set is in force at once');
    q.run(3000, () => results.length === 2);
    assert.deepEqual(results.slice(1), [{ id: 2, errorCode: ErrorCode.NONE }]);
    const epoch = leader.epoch;
    q.run(10_000, () => {
      const l = q.leader();
      return l !== undefined && l[0] !== id && (l[1].highWatermark ?? 0) > leader.logEndOffset;
    });
    const next = q.leader();
    assert.ok(next !== undefined && next[0] !== id && next[1].epoch > epoch, 'another voter leads a later epoch');
    assert.deepEqual([...next[1].voters].sort(), [1, 2, 3].filter((v) => v !== id));
    q.run(3000, () => leader.leaderId === next[0]);
    assert.equal(leader.leaderId, next[0], 'the removed node follows the new leader as an observer');
    assert.equal(leader.isObserver, true);
  });

  it('truncating an uncommitted VotersRecord restores the voter set before it', () => {
    const q = new Quorum();
    const node = q.add(2, { base: [key(1), key(2), key(3)], quorumState: { epoch: 1, leaderId: 1, votedId: -1 } });
    const send = (out: RaftOutput[]): FetchRequest => {
      const s = out.find((o) => o.kind === 'send');
      assert.ok(s?.kind === 'send' && s.message.kind === 'FetchRequest');
      return s.message;
    };
    const fetch1 = send(node.core.step(0, { kind: 'tick' }));
    const records: Entry[] = [
      { offset: 0, epoch: 1, control: 'leaderChange', data: new Uint8Array(0) },
      { offset: 1, epoch: 1, control: 'voters', voters: [key(1), key(2), key(3), key(4)], data: new Uint8Array(0) },
    ];
    const out = node.core.step(1, { kind: 'receive', from: 1, message: { kind: 'FetchResponse', correlationId: fetch1.correlationId, errorCode: 0, leaderId: 1, leaderEpoch: 1, highWatermark: 1, records } });
    node.log.apply(out);
    assert.deepEqual(node.core.voters, [1, 2, 3, 4]);
    // Voter 3 leads epoch 2 without that record: node 2 truncates it away.
    const begun = node.core.step(2, { kind: 'receive', from: 3, message: { kind: 'BeginQuorumEpochRequest', correlationId: 5, leaderId: 3, leaderEpoch: 2 } });
    const fetch2 = send(begun.filter((o) => o.kind !== 'send' || o.message.kind === 'FetchRequest'));
    assert.deepEqual([fetch2.fetchOffset, fetch2.lastFetchedEpoch], [2, 1]);
    const out2 = node.core.step(4, { kind: 'receive', from: 3, message: { kind: 'FetchResponse', correlationId: fetch2.correlationId, errorCode: 0, leaderId: 3, leaderEpoch: 2, highWatermark: 1, records: [], divergingEpoch: { epoch: 1, endOffset: 1 } } });
    assert.ok(out2.some((o) => o.kind === 'truncate' && o.endOffset === 1));
    assert.deepEqual(node.core.voters, [1, 2, 3]);
  });
});

describe('raft/voter-set history', () => {
  it('answers the set in force at each offset, and forgets changes on truncation and snapshots', async () => {
    const { VoterSetHistory } = await import('./voter-set.js');
    const h = new VoterSetHistory([key(1)], 1, [
      { offset: 3, voters: [key(1), key(2)] },
      { offset: 7, voters: [key(1), key(2), key(3)] },
    ]);
    assert.deepEqual([h.at(2), h.at(3), h.at(6), h.at(7)].map((s) => s.map((v) => v.id)), [[1], [1, 2], [1, 2], [1, 2, 3]]);
    assert.equal(h.votesFrom(3, 6), true, 'a voter of a later set');
    assert.equal(h.votesFrom(4, 0), false);
    h.truncateTo(7);
    assert.deepEqual(h.latest().map((v) => v.id), [1, 2], 'truncating the record restores the set before it');
    h.deleteBefore(5);
    assert.deepEqual([h.latest().map((v) => v.id), h.latestOffset()], [[1, 2], undefined], 'the snapshot holds the set');
    assert.throws(() => h.append({ offset: 9, voters: [key(1), key(1)] }), /duplicate voter ids/);
    assert.throws(() => new VoterSetHistory([key(1)], 0, [{ offset: 1, voters: [key(2)] }]), /kraft.version 0/);
  });
});

describe('raft/reconfiguration: a removal the leader could not commit', () => {
  it('the removed node, holding the longest log, stands and is elected to commit its removal, then resigns (Raft thesis 4.2.2)', () => {
    // Voters {1,2}; leader 1 appended "remove 1" and crashed before node 2 got it. Node 2 (voters
    // {1,2}) needs node 1's vote but its log is shorter: only node 1 can be elected. It counts
    // only node 2's vote (its own set is {2}), commits the removal, and hands over.
    const q = new Quorum();
    const base = [key(1), key(2)];
    // Node 1's log ends in the uncommitted removal, node 2's holds the prefix only.
    const prefix: Entry[] = [
      { offset: 0, epoch: 1, control: 'leaderChange', data: new Uint8Array(0) },
      { offset: 1, epoch: 1, data: new Uint8Array([1]) },
    ];
    const removal: Entry = { offset: 2, epoch: 1, control: 'voters', voters: [key(2)], data: new Uint8Array(0) };
    const build = (id: number, entries: Entry[]): TestNode => {
      const log = new MemLog();
      log.log = [...entries];
      const core = new RaftCore({
        localId: id,
        voters: [],
        config: raftConfig(),
        random: seeded(id),
        reader: log,
        quorumState: { epoch: 1, leaderId: 1, votedId: 1 },
        log: { startOffset: 0, endOffset: entries.length, epochStarts: [{ epoch: 1, startOffset: 0 }], voters: { base, changes: entries.filter((e) => e.control === 'voters').map((e) => ({ offset: e.offset, voters: e.voters ?? [] })) } },
      });
      const n = { core, log, results: [] };
      q.nodes.set(id, n);
      return n;
    };
    const n1 = build(1, [...prefix, removal]);
    const n2 = build(2, prefix);
    assert.deepEqual([n1.core.voters, n2.core.voters], [[2], [1, 2]]);
    assert.equal(n1.core.isObserver, false, 'node 1 does not know its removal committed: it may still stand');
    q.run(20_000, () => n2.core.role === 'leader');
    assert.equal(n2.core.role, 'leader', 'node 2 leads in the end');
    assert.ok((n2.core.highWatermark ?? 0) > 2, 'the removal is committed');
    assert.deepEqual(n2.core.voters, [2]);
    assert.ok(n2.core.epoch >= 3, 'node 1 led an epoch to commit its removal, then node 2 one more');
    q.run(3000, () => n1.core.leaderId === 2 && n1.core.isObserver);
    assert.deepEqual([n1.core.isObserver, n1.core.leaderId], [true, 2], 'node 1 is an observer of node 2');
  });
});
