/**
 * A simulated quorum: RaftCore instances driven exactly as steps.ts says, over a SimNetwork and
 * SimDisks, in simulated time from one event queue. Every performed output is shown to the
 * Checker. All randomness comes from one seeded Prng, so a seed replays exactly.
 *
 * Deliberate driver bugs (`SimBug`) show the checker catches what the order contract prevents:
 * `unsyncedQuorumState` leaves quorum-state writes in the page cache (votes not durable),
 * `noFsync` makes `flush` a no-op (offsets reported before they are durable),
 * `loseVoteRequests` never delivers a real (not pre-) vote request (no election can finish),
 * `observerThinksItVotes` configures each observer with itself among the voters, and
 * `hwFromMinority`, `forgetVote` and `removedNeverStands` switch on the core's own test-only bugs.
 *
 * Observers (nodes not among the voters, ids after the voters'; the even-numbered ones know only
 * bootstrap servers, not the voter set) run the same core; the checker
 * sees that they never vote, stand or lead, and holds them to the same committed sequence.
 *
 * A dynamic cluster (KIP-853, kraft.version 1) formats its first `voterCount` nodes with that
 * voter set (the bootstrap checkpoint) and its `spareCount` further nodes without voters (they
 * know the first ones as bootstrap servers); scenarios then add and remove voters through the
 * leader. Each node's directory id is `dir-<id>`.
 */
import { raftConfig, RaftCore, type NodeId, type RaftInput, type RaftMessage, type RaftOutput, type ReplicaKey } from '../../raft/index.js';
import { Checker, decodeSnapshot, encodeSnapshot, entryKey, SimViolation } from './checker.js';
import { Prng } from './prng.js';
import { SimDisk } from './sim-disk.js';
import { SimNetwork } from './sim-network.js';

export type SimBug = 'hwFromMinority' | 'forgetVote' | 'unsyncedQuorumState' | 'noFsync' | 'loseVoteRequests' | 'observerThinksItVotes' | 'removedNeverStands';

type SimEvent =
  | { readonly kind: 'deliver'; readonly from: NodeId; readonly to: NodeId; readonly toIncarnation: number; readonly message: RaftMessage }
  | { readonly kind: 'tick'; readonly node: NodeId; readonly incarnation: number }
  | { readonly kind: 'action'; readonly run: () => void };

interface Queued {
  readonly at: number;
  readonly seq: number;
  readonly event: SimEvent;
}

/** A binary min-heap on (at, seq): ties break by insertion order, deterministically. */
class EventQueue {
  private readonly heap: Queued[] = [];
  private seq = 0;

  push(at: number, event: SimEvent): void {
    const h = this.heap;
    h.push({ at, seq: this.seq++, event });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i] as Queued, h[p] as Queued)) break;
      [h[i], h[p]] = [h[p] as Queued, h[i] as Queued];
      i = p;
    }
  }

  peekAt(): number {
    return this.heap[0]?.at ?? Infinity;
  }

  pop(): Queued | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l] as Queued, h[m] as Queued)) m = l;
      if (r < h.length && this.less(h[r] as Queued, h[m] as Queued)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m] as Queued, h[i] as Queued];
      i = m;
    }
    return top;
  }

  private less(a: Queued, b: Queued): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }
}

export class SimNode {
  readonly disk = new SimDisk();
  core: RaftCore | undefined;
  incarnation = 0;
  tickAt = Infinity;
  /** A stalled process (a long GC pause): its events wait until then, in order. */
  pausedUntil = 0;
  constructor(readonly id: NodeId) {}
}

export class SimCluster {
  now = 0;
  readonly prng: Prng;
  readonly net: SimNetwork;
  readonly checker = new Checker();
  readonly nodes: SimNode[];
  readonly voters: NodeId[];
  readonly observers: NodeId[];
  private readonly queue = new EventQueue();
  /** Chance that a node dies between two outputs of a step (a crash mid-fsync-sequence). */
  midStepCrashP = 0;
  steps = 0;
  /** Proposal ids handed out so far (payloads are unique per run). */
  proposals = 0;
  /** Voter changes that committed (KIP-853), and those refused, by error code. */
  voterChangesDone = 0;
  readonly voterChangesRefused = new Map<number, number>();
  /** Dynamic clusters only: nodes formatted without voters. */
  readonly spares: NodeId[];
  readonly trace: string[] | undefined;

  constructor(
    seed: number,
    voterCount: number,
    readonly bug: SimBug | undefined,
    tracing: boolean,
    observerCount = 0,
    readonly dynamic = false,
    spareCount = 0,
  ) {
    this.prng = new Prng(seed);
    this.net = new SimNetwork(this.prng.fork());
    this.voters = Array.from({ length: voterCount }, (_, i) => i + 1);
    this.observers = Array.from({ length: observerCount }, (_, i) => voterCount + i + 1);
    this.spares = Array.from({ length: dynamic ? spareCount : 0 }, (_, i) => voterCount + observerCount + i + 1);
    this.nodes = [...this.voters, ...this.observers, ...this.spares].map((id) => new SimNode(id));
    if (dynamic) {
      const initial = this.voters.map((id) => replicaKey(id));
      for (const n of this.nodes) n.disk.dynamic = { formatted: this.voters.includes(n.id) ? initial : [], initial };
    }
    this.trace = tracing ? [] : undefined;
  }

  node(id: NodeId): SimNode {
    const n = this.nodes[id - 1];
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  log(line: string): void {
    this.trace?.push(`${String(this.now).padStart(6)} ${line}`);
  }

  at(timeMs: number, run: () => void): void {
    this.queue.push(Math.max(timeMs, this.now), { kind: 'action', run });
  }

  up(): SimNode[] {
    return this.nodes.filter((n) => n.core !== undefined);
  }

  leaders(): SimNode[] {
    return this.nodes.filter((n) => n.core?.role === 'leader');
  }

  start(node: SimNode): void {
    if (node.core !== undefined) return;
    node.incarnation++;
    const { quorumState, log } = node.disk.recovered();
    // Small fetches and snapshot chunks, so partial answers and multi-chunk snapshots happen.
    const config = raftConfig({ fetchMaxEntries: 8, fetchSnapshotMaxBytes: 256, ...(this.bug === 'hwFromMinority' || this.bug === 'forgetVote' || this.bug === 'removedNeverStands' ? { testOnlyBug: this.bug } : {}) });
    const voters = this.bug === 'observerThinksItVotes' && this.isObserver(node.id) ? [...this.voters, node.id] : this.voters;
    // Even-numbered observers know no voters, only bootstrap servers (the voters' addresses, KIP-853).
    const bootstrapOnly = this.isObserver(node.id) && node.id % 2 === 0 && this.bug !== 'observerThinksItVotes';
    if (this.dynamic) {
      // Voters come from the log; a spare asks the initial voters (its bootstrap servers).
      node.core = new RaftCore({ localId: node.id, voters: [], ...(this.voters.includes(node.id) ? {} : { bootstrap: this.voters }), config, random: this.prng.fork(), reader: node.disk, quorumState, log });
    } else {
      node.core = new RaftCore({ localId: node.id, voters: bootstrapOnly ? [] : voters, ...(bootstrapOnly ? { bootstrap: this.voters } : {}), config, random: this.prng.fork(), reader: node.disk, quorumState, log });
    }
    this.checker.restarted(node.id, Math.max(quorumState?.epoch ?? 0, log.epochStarts.at(-1)?.epoch ?? log.snapshotId?.epoch ?? 0));
    this.log(`node ${node.id} starts (epoch ${quorumState?.epoch ?? 0}, log [${log.startOffset}, ${log.endOffset}))`);
    node.tickAt = Infinity;
    this.feed(node, { kind: 'tick' });
  }

  crash(node: SimNode, restartAfterMs: number | undefined): void {
    if (node.core === undefined) return;
    node.core = undefined;
    node.incarnation++;
    node.pausedUntil = 0;
    node.disk.crash(this.prng);
    this.log(`node ${node.id} crashes (log now ends at ${node.disk.logEnd})`);
    if (restartAfterMs !== undefined) this.at(this.now + restartAfterMs, () => this.start(node));
  }

  isObserver(id: NodeId): boolean {
    return this.observers.includes(id);
  }

  feed(node: SimNode, input: RaftInput): void {
    const core = node.core;
    if (core === undefined) return;
    this.steps++;
    const outputs = core.step(this.now, input);
    if (this.trace !== undefined && input.kind !== 'tick') this.log(`node ${node.id} <- ${describeInput(input)}`);
    if (this.isObserver(node.id)) this.checker.observerStep(node.id, core.role, outputs);
    // KIP-853: only a voter of its own (latest) set is elected.
    if (this.dynamic && outputs.some((o) => o.kind === 'becameLeader') && core.isObserver) throw new SimViolation(`node ${node.id} became leader while not in its voter set ${core.voters.join(',')}`);
    this.perform(node, outputs);
    const after = node.core;
    if (after === undefined) return;
    if (after.logEndOffset !== node.disk.logEnd || after.logStartOffset !== node.disk.logStart) {
      throw new SimViolation(`node ${node.id}: core log [${after.logStartOffset}, ${after.logEndOffset}) differs from disk [${node.disk.logStart}, ${node.disk.logEnd})`);
    }
    const due = Math.max(after.nextDeadlineMs(), this.now + 1);
    if (due < node.tickAt) {
      node.tickAt = due;
      this.queue.push(due, { kind: 'tick', node: node.id, incarnation: node.incarnation });
    }
  }

  private perform(node: SimNode, outputs: readonly RaftOutput[]): void {
    for (const o of outputs) {
      if (this.midStepCrashP > 0 && this.prng.chance(this.midStepCrashP)) {
        this.log(`node ${node.id} dies before ${o.kind}`);
        this.crash(node, this.prng.between(50, 1500));
        return;
      }
      this.performOne(node, o);
    }
  }

  private performOne(node: SimNode, o: RaftOutput): void {
    const disk = node.disk;
    const id = node.id;
    if (this.trace !== undefined && o.kind !== 'send') this.log(`node ${id} -> ${JSON.stringify(o, (k, v: unknown) => (k === 'data' || k === 'bytes' || k === 'unalignedRecords' ? '…' : v))}`);
    switch (o.kind) {
      case 'send':
        if (this.bug === 'loseVoteRequests' && o.message.kind === 'VoteRequest' && !o.message.preVote) return;
        for (const delay of this.net.delaysFor(id, o.to)) {
          this.queue.push(this.now + delay, { kind: 'deliver', from: id, to: o.to, toIncarnation: this.node(o.to).incarnation, message: o.message });
        }
        return;
      case 'persistQuorumState':
        this.checker.persisted(id, o.state.epoch);
        if (this.bug === 'unsyncedQuorumState') disk.unsyncedQuorumState = o.state;
        else disk.quorumState = o.state;
        return;
      case 'append':
        disk.append(o.entries);
        return;
      case 'truncate':
        this.checker.truncating(id, o.endOffset, disk);
        disk.truncate(o.endOffset);
        return;
      case 'flush':
        if (o.endOffset !== disk.logEnd) throw new SimViolation(`node ${id}: flush to ${o.endOffset}, log ends at ${disk.logEnd}`);
        if (this.bug !== 'noFsync') disk.sync();
        return;
      case 'deleteBefore':
        disk.deleteBefore(o.snapshotId);
        return;
      case 'snapshotChunk':
        disk.snapshotChunkWritten(o.snapshotId, o.position, o.bytes);
        return;
      case 'installSnapshot':
        this.checker.snapshotInstalled(id, disk.installSnapshot(o.snapshotId));
        return;
      case 'highWatermark':
        this.checker.highWatermark(id, o.offset, disk);
        return;
      case 'becameLeader':
        this.checker.becameLeader(id, o.epoch);
        return;
      case 'voterChangeResult':
        if (o.errorCode === 0) this.voterChangesDone++;
        else this.voterChangesRefused.set(o.errorCode, (this.voterChangesRefused.get(o.errorCode) ?? 0) + 1);
        return;
      case 'leaderChange':
      case 'resigned':
      case 'proposalResult':
        return;
    }
  }

  /** The node's state machine writes a snapshot at its high watermark and tells the core. */
  takeSnapshot(node: SimNode): void {
    const core = node.core;
    const hw = core?.highWatermark;
    if (core === undefined || hw === undefined || hw <= node.disk.logStart) return;
    const disk = node.disk;
    const keys = disk.snapshot ? decodeSnapshot(disk.snapshot.bytes) : [];
    for (let o = disk.logStart; o < hw; o++) {
      const e = disk.entryAt(o);
      if (e === undefined) throw new SimViolation(`node ${node.id}: no entry at ${o} below its high watermark ${hw}`);
      keys.push(entryKey(e));
    }
    const last = disk.entryAt(hw - 1);
    if (last === undefined) throw new SimViolation(`node ${node.id}: no entry at ${hw - 1} below its high watermark`);
    const id = { endOffset: hw, epoch: last.epoch };
    disk.writeSnapshot({ id, bytes: encodeSnapshot(keys) });
    this.feed(node, { kind: 'snapshotTaken', snapshotId: id });
  }

  /** Runs events up to `untilMs` (or until `stop` says so); returns whether `stop` did. */
  run(untilMs: number, stop?: () => boolean): boolean {
    for (;;) {
      if (stop?.()) return true;
      if (this.queue.peekAt() > untilMs) {
        this.now = untilMs;
        return false;
      }
      const q = this.queue.pop();
      if (q === undefined) return false;
      this.now = q.at;
      this.dispatch(q.event);
    }
  }

  /** The node stops taking events for `ms` (its messages and timers queue up meanwhile). */
  pause(node: SimNode, ms: number): void {
    node.pausedUntil = Math.max(node.pausedUntil, this.now + ms);
    this.log(`node ${node.id} pauses until ${node.pausedUntil}`);
  }

  private dispatch(ev: SimEvent): void {
    if (ev.kind === 'action') return ev.run();
    const target = this.node(ev.kind === 'tick' ? ev.node : ev.to);
    if (this.now < target.pausedUntil) return this.queue.push(target.pausedUntil, ev);
    if (ev.kind === 'tick') {
      const node = this.node(ev.node);
      if (node.incarnation !== ev.incarnation || node.core === undefined) return;
      // A due (or pause-deferred) tick: the next one is scheduled afresh after this step.
      if (node.tickAt <= this.now) node.tickAt = Infinity;
      return this.feed(node, { kind: 'tick' });
    }
    const to = this.node(ev.to);
    if (to.incarnation !== ev.toIncarnation || to.core === undefined || !this.net.connected(ev.from, ev.to)) return;
    if (this.trace !== undefined) this.log(`${ev.from} => ${ev.to} ${describeMessage(ev.message)}`);
    this.feed(to, { kind: 'receive', from: ev.from, message: ev.message });
  }
}

export function replicaKey(id: NodeId): ReplicaKey {
  return { id, directoryId: `dir-${id}` };
}

function describeMessage(m: RaftMessage): string {
  const { kind, ...rest } = m;
  const fields = Object.entries(rest)
    .filter(([k]) => k !== 'records' && k !== 'unalignedRecords')
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  if (m.kind === 'FetchResponse') fields.push(`records=${m.records.length ? `${m.records[0]?.offset}..${m.records.at(-1)?.offset}` : 'none'}`);
  return `${kind} ${fields.join(' ')}`;
}

function describeInput(i: RaftInput): string {
  if (i.kind === 'propose') return `propose #${i.id} (${i.entries.length} entries)`;
  if (i.kind === 'receive') return `message from ${i.from}`;
  return JSON.stringify(i);
}
