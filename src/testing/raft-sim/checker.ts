/**
 * The simulator's safety checks, fed with every output a node performs:
 *  - at most one leader per epoch;
 *  - a node's durable epoch never goes back, also across a crash and restart;
 *  - a node's reported high watermark never goes back while it lives;
 *  - a committed entry (below any node's high watermark) is the same on every node once below
 *    that node's high watermark or in its snapshot, and is never truncated away (a node cut off
 *    with a stale leader may append other entries at that offset: they never commit, and the
 *    divergence check removes them later);
 *  - an observer never votes (persists a vote, sends a Vote request or grants one), never stands
 *    or leads (its role is only unattached or follower);
 *  - (KIP-853) committed voter sets (VotersRecords) differ from the one before by at most one voter;
 *  - (at the end, checkConverged) every node holds the whole committed sequence, in which every
 *    proposal appears at most once.
 */
import type { NodeId, OffsetAndEpoch, RaftOutput } from '../../raft/index.js';
import { decodeSnapshot, entryKey, VOTERS_KEY, votersInKeys } from './sim-entries.js';
import type { SimDisk, SnapshotFile } from './sim-disk.js';

export class SimViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimViolation';
  }
}

export { decodeSnapshot, encodeSnapshot, entryKey, votersInKeys } from './sim-entries.js';

export class Checker {
  /** offset -> key of the committed entry there. */
  readonly committed: string[] = [];
  private readonly leaders = new Map<number, NodeId>();
  private readonly durableEpoch = new Map<NodeId, number>();
  private readonly hw = new Map<NodeId, number>();
  private readonly checkedTo = new Map<NodeId, number>();
  private readonly payloads = new Set<string>();
  leaderElections = 0;
  snapshotsInstalled = 0;
  truncations = 0;
  observerSteps = 0;

  private fail(message: string): never {
    throw new SimViolation(message);
  }

  private commit(node: NodeId, offset: number, key: string): void {
    const known = this.committed[offset];
    if (known === undefined) {
      if (offset > this.committed.length) this.fail(`node ${node}: committed offset ${offset} beyond the committed prefix ${this.committed.length}`);
      this.committed[offset] = key;
      this.payloads.add(key.slice(key.indexOf(':') + 1));
      this.committedVoters(node, offset, key);
    } else if (known !== key) this.fail(`node ${node}: committed entry at offset ${offset} changed from ${known} to ${key}`);
  }

  private lastVoters: Set<string> | undefined;
  voterSetsCommitted = 0;

  /** Raft's single-server change: a committed voter set differs from the previous one by at most one voter. */
  private committedVoters(node: NodeId, offset: number, key: string): void {
    const voters = votersInKeys([key]);
    if (voters === undefined) return;
    const next = new Set(voters.map((v) => `${v.id}/${v.directoryId}`));
    const prev = this.lastVoters;
    if (prev !== undefined) {
      const changed = [...next].filter((v) => !prev.has(v)).length + [...prev].filter((v) => !next.has(v)).length;
      if (changed > 1) this.fail(`node ${node}: committed voter set at ${offset} changes ${changed} voters: ${[...prev].join(',')} -> ${[...next].join(',')}`);
    }
    this.lastVoters = next;
    this.voterSetsCommitted++;
  }

  /** An observer's step: what it did and the role it ended in. */
  observerStep(node: NodeId, role: string, outputs: readonly RaftOutput[]): void {
    if (role !== 'unattached' && role !== 'follower') this.fail(`observer ${node} became ${role}`);
    for (const o of outputs) {
      if (o.kind === 'becameLeader') this.fail(`observer ${node} became leader of epoch ${o.epoch}`);
      if (o.kind === 'persistQuorumState' && o.state.votedId !== -1) this.fail(`observer ${node} voted for ${o.state.votedId} in epoch ${o.state.epoch}`);
      if (o.kind !== 'send') continue;
      if (o.message.kind === 'VoteRequest') this.fail(`observer ${node} asked ${o.to} for a vote`);
      if (o.message.kind === 'VoteResponse' && o.message.voteGranted) this.fail(`observer ${node} granted a vote to ${o.to}`);
    }
    this.observerSteps++;
  }

  becameLeader(node: NodeId, epoch: number): void {
    const other = this.leaders.get(epoch);
    if (other !== undefined) this.fail(`two leaders in epoch ${epoch}: ${other} and ${node}`);
    this.leaders.set(epoch, node);
    this.leaderElections++;
  }

  persisted(node: NodeId, epoch: number): void {
    const before = this.durableEpoch.get(node) ?? 0;
    if (epoch < before) this.fail(`node ${node}: epoch went back from ${before} to ${epoch}`);
    this.durableEpoch.set(node, epoch);
  }

  restarted(node: NodeId, epoch: number): void {
    const before = this.durableEpoch.get(node) ?? 0;
    if (epoch < before) this.fail(`node ${node}: restarted at epoch ${epoch} after having been at ${before}`);
    this.hw.delete(node);
    this.checkedTo.delete(node);
  }

  highWatermark(node: NodeId, offset: number, disk: SimDisk): void {
    const before = this.hw.get(node) ?? -1;
    if (offset < before) this.fail(`node ${node}: high watermark went back from ${before} to ${offset}`);
    this.hw.set(node, offset);
    if (offset > disk.logEnd) this.fail(`node ${node}: high watermark ${offset} beyond its log end ${disk.logEnd}`);
    for (let o = Math.max(this.checkedTo.get(node) ?? 0, disk.logStart); o < offset; o++) {
      const e = disk.entryAt(o);
      if (e === undefined) this.fail(`node ${node}: no entry at committed offset ${o}`);
      this.commit(node, o, entryKey(e));
    }
    this.checkedTo.set(node, Math.max(this.checkedTo.get(node) ?? 0, offset));
  }

  truncating(node: NodeId, endOffset: number, disk: SimDisk): void {
    this.truncations++;
    for (let o = endOffset; o < disk.logEnd; o++) {
      const e = disk.entryAt(o);
      if (e !== undefined && this.committed[o] === entryKey(e)) this.fail(`node ${node}: truncation to ${endOffset} removes committed entry ${entryKey(e)} at ${o}`);
    }
  }

  snapshotInstalled(node: NodeId, file: SnapshotFile): void {
    this.snapshotsInstalled++;
    const keys = decodeSnapshot(file.bytes);
    if (keys.length !== file.id.endOffset) this.fail(`node ${node}: snapshot ${file.id.endOffset} holds ${keys.length} entries`);
    keys.forEach((k, o) => this.commit(node, o, k));
    this.checkedTo.set(node, Math.max(this.checkedTo.get(node) ?? 0, file.id.endOffset));
  }

  /** Every node's full content (snapshot + log) up to `upTo` is the committed sequence. */
  checkConverged(nodes: readonly { id: NodeId; disk: SimDisk }[], upTo: number): void {
    const seen = new Set<string>();
    for (let o = 0; o < upTo; o++) {
      const k = this.committed[o];
      if (k === undefined) this.fail(`offset ${o} below the final high watermark ${upTo} never committed`);
      const payload = k.slice(k.indexOf(':') + 1);
      // LeaderChange and VotersRecord entries legitimately repeat (the same set may come back).
      if (payload !== 'LC' && !payload.startsWith(VOTERS_KEY) && seen.has(payload)) this.fail(`proposal ${payload} committed twice`);
      seen.add(payload);
    }
    for (const { id, disk } of nodes) {
      const snap = disk.snapshot ? decodeSnapshot(disk.snapshot.bytes) : [];
      for (let o = 0; o < upTo; o++) {
        const entry = disk.entryAt(o);
        const e = o < disk.logStart ? snap[o] : entry && entryKey(entry);
        if (e !== this.committed[o]) this.fail(`node ${id}: offset ${o} holds ${e ?? 'nothing'}, committed ${this.committed[o]}`);
      }
    }
  }

  /** Is an entry with this payload committed? */
  isCommitted(payload: string): boolean {
    return this.payloads.has(payload);
  }
}

export type { OffsetAndEpoch };
