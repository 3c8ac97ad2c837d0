/**
 * The metadata log as a Raft log: the driver around src/raft/'s pure core (DESIGN.md: raft/ the
 * algorithm, controller/ its meaning). It performs the core's outputs on the `__cluster_metadata-0`
 * segment log and the `quorum-state` file beside it, in the core's order contract (raft/steps.ts):
 * one step's outputs run to completion before the next input, and a quorum-state write or a flush
 * is durable before anything after it.
 *
 * A node alone in its quorum (controller.quorum.voters empty or naming only itself) is elected at
 * once in a new epoch on every start, writes the LeaderChange record, and a proposal is committed
 * when its flush is done. With other voters, quorum messages go through a transport (raft-
 * messenger.ts), a proposal commits once a majority has it on disk, and a follower whose log
 * diverged truncates it. Not yet handled: snapshots (a snapshot output is a fault, never silently
 * skipped).
 *
 * Invariants: the in-memory entries equal the log on disk (the core reads them synchronously);
 * a controller command's records are applied only once committed (offset < high watermark).
 */
import { join } from 'node:path';
import type { Clock, Timer } from '../io/clock.js';
import type { FileSystem } from '../io/file-system.js';
import type { Random } from '../io/random.js';
import type { PartitionLog } from '../storage/partition-log.js';
import { decodeMetadataRecord, encodeMetadataRecord, type MetadataRecord } from '../metadata/metadata-record.js';
import { RaftCore, decodeQuorumState, encodeQuorumState, epochStartsOf, type DescribeQuorumData, type Entry, type RaftConfig, type RaftInput, type RaftOutput, type ElectionState } from '../raft/index.js';
import { NotControllerError, type MetadataLogStore } from './controller.js';
import type { CommittedRecord } from './metadata-publisher.js';
import type { MetadataQuorum, RaftState } from './metadata-quorum.js';
import { appendEntries, leaderChangeMessage, readEntries } from './metadata-log-entries.js';
import { RaftMessenger, type RaftTransport } from './raft-messenger.js';
import type { WireIdentity, WireRequest, WireResponse } from './raft-wire.js';

export const QUORUM_STATE_FILE = 'quorum-state';

/** More than a lone voter's election ever takes (each step is one tick of the core). */
const ALONE_STARTUP_STEPS = 10;

export interface RaftMetadataLogOptions {
  readonly fs: FileSystem;
  readonly log: PartitionLog;
  readonly clock: Clock;
  readonly random: Random;
  readonly nodeId: number;
  readonly voters: readonly number[];
  readonly config: RaftConfig;
  /** Told when the core or a disk write fails: the node cannot go on as a controller. */
  readonly onFatal: (e: unknown) => void;
  /** How quorum requests reach the other voters; needed when there are any. */
  readonly transport?: RaftTransport;
  /**
   * Told of every metadata record once it is committed, in offset order, exactly once, in batches
   * (records already in the log when `replay` runs are replayed there instead). Every node learns
   * the metadata this way, the leader too; an append resolves only after its records were told.
   */
  readonly onCommitted?: (batch: readonly CommittedRecord[]) => Promise<void>;
  readonly clusterId?: string;
}

interface Pending {
  readonly resolve: (offsets: number[]) => void;
  readonly reject: (e: unknown) => void;
  lastOffset: number;
  baseOffset: number;
}

export class RaftMetadataLog implements MetadataLogStore, MetadataQuorum {
  private readonly core: RaftCore;
  private readonly entries: Entry[];
  /** Serialises steps: the core is fed one input at a time, after the last step's outputs ran. */
  private stepping: Promise<void> = Promise.resolve();
  private timer: Timer | null = null;
  private nextProposalId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;
  private readonly messenger: RaftMessenger | undefined;
  /** The offset after the last committed entry handed on to `onCommitted` (or replayed). */
  private appliedOffset = 0;
  /** The offset after the last entry `onCommitted` has finished with (the image has it). */
  private publishedOffset = 0;
  /**
   * Publishing runs beside the core, not inside its steps: a large metadata change (creating many
   * logs) must not hold up the quorum's fetches and votes. Batches are published in order.
   */
  private publishing: Promise<void> = Promise.resolve();
  /** Where this node's current leadership epoch starts (its LeaderChange entry); -1 when not leader. */
  private leaderEpochStart = -1;

  private constructor(private readonly opts: RaftMetadataLogOptions, entries: Entry[], quorumState: ElectionState | undefined) {
    this.entries = entries;
    if (opts.voters.length > 1 && opts.transport === undefined) throw new Error(`metadata quorum of ${opts.voters.length} voters without a transport to reach them`);
    this.messenger = opts.transport === undefined ? undefined : new RaftMessenger(opts.transport, this.wireIdentity(), opts.clock, opts.config.requestTimeoutMs, (from, message) => void this.feed({ kind: 'receive', from, message }));
    const log = opts.log;
    this.core = new RaftCore({
      localId: opts.nodeId,
      voters: opts.voters,
      config: opts.config,
      random: opts.random,
      reader: { entries: (from, max) => this.entriesFrom(from, max), snapshotChunk: () => undefined },
      quorumState,
      log: { startOffset: log.logStartOffset, endOffset: log.logEndOffset, epochStarts: epochStartsOf(entries) },
    });
  }

  /** Reads the log and the quorum-state file; `start()` then lets the core run. */
  static async open(opts: RaftMetadataLogOptions): Promise<RaftMetadataLog> {
    const entries = await readEntries(opts.log);
    const path = join(opts.log.dir, QUORUM_STATE_FILE);
    const quorumState = (await opts.fs.exists(path)) ? decodeQuorumState((await opts.fs.readFile(path)).toString('utf8')) : undefined;
    return new RaftMetadataLog(opts, entries, quorumState);
  }

  /**
   * Before `start`: a node alone in its quorum hands `apply` every metadata record in its log as
   * one batch (all of it is committed: it accepted nothing it did not flush). Among several voters
   * a log's tail may be uncommitted and later truncated by a new leader, so a voter replays
   * nothing here: as Kafka's, it publishes records only once it learns they are committed (the
   * high watermark from its leader, or its own as leader), through `onCommitted`.
   */
  async replay(apply: (batch: readonly CommittedRecord[]) => Promise<void>): Promise<void> {
    if (this.opts.voters.length > 1) return;
    const batch: CommittedRecord[] = [];
    for (const e of this.entries) if (e.control === undefined) batch.push({ record: decodeMetadataRecord(Buffer.from(e.data)), offset: e.offset });
    await apply(batch);
    this.appliedOffset = this.opts.log.logEndOffset;
    this.publishedOffset = this.appliedOffset;
  }

  /** Starts the core: with the node as the only voter, it elects itself at once. */
  async start(): Promise<void> {
    await this.feed({ kind: 'tick' });
    // Alone, the node elects itself within a few steps (stand, lead, commit its LeaderChange):
    // taken here, so a lone node is the active controller, its image complete, when this returns.
    for (let step = 0; step < ALONE_STARTUP_STEPS && this.opts.voters.length === 1 && !this.closed && !this.controllerState().active; step++) {
      await this.feed({ kind: 'tick' });
      await this.publishing;
    }
    await this.publishing;
  }

  /** Proposes the records as one batch; resolves with their offsets once they are committed. */
  append(records: readonly MetadataRecord[]): Promise<number[]> {
    if (this.closed) return Promise.reject(new Error('the metadata log is closed'));
    const id = this.nextProposalId++;
    const done = new Promise<number[]>((resolve, reject) => this.pending.set(id, { resolve, reject, baseOffset: -1, lastOffset: -1 }));
    void this.feed({ kind: 'propose', id, entries: records.map((r) => encodeMetadataRecord(r)) });
    return done;
  }

  /** A quorum request from another voter (Vote, BeginQuorumEpoch, EndQuorumEpoch, Fetch, FetchSnapshot). */
  handleRequest(request: WireRequest, correlationId: number): Promise<WireResponse> {
    if (this.messenger === undefined || this.closed) return Promise.reject(new Error('this node takes no quorum requests'));
    return this.messenger.handle(request, correlationId);
  }

  /**
   * A leader stepping down before a clean shutdown: EndQuorumEpoch tells the other voters, so they
   * elect a new leader at once instead of after controller.quorum.fetch.timeout.ms. Elsewhere a no-op.
   */
  async resign(): Promise<void> {
    if (this.closed || this.core.leaderId !== this.opts.nodeId) return;
    await this.feed({ kind: 'resign' });
  }

  describeQuorum(): DescribeQuorumData {
    return this.core.describeQuorum();
  }

  /** Kafka's raft-metrics view of the quorum (current-state and the offsets beside it). */
  raftState(): RaftState {
    const c = this.core;
    const role = c.role;
    const state = role === 'unattached' && c.votedId !== -1 ? 'voted' : role;
    return { state, leaderId: c.leaderId, epoch: c.epoch, votedId: c.votedId, highWatermark: c.highWatermark ?? -1, logEndOffset: c.logEndOffset, logEndEpoch: c.logEndOffset === 0 ? 0 : (c.epochOf(c.logEndOffset - 1) ?? 0) };
  }

  /** Commands run here only once this node leads and has applied everything up to its own epoch's start. */
  controllerState(): { active: boolean; leaderId: number } {
    const leaderId = this.core.leaderId;
    const active = !this.closed && leaderId === this.opts.nodeId && this.leaderEpochStart >= 0 && this.publishedOffset > this.leaderEpochStart;
    return { active, leaderId };
  }

  get leaderId(): number {
    return this.core.leaderId;
  }

  get epoch(): number {
    return this.core.epoch;
  }

  close(): void {
    this.closed = true;
    this.timer?.cancel();
    this.messenger?.close();
    for (const p of this.pending.values()) p.reject(new Error('the metadata log closed before the records were committed'));
    this.pending.clear();
  }

  /**
   * A follower whose log diverged from its leader's drops everything from `endOffset` on (the
   * core never truncates a committed entry: that would be a safety breach, and is checked here too).
   */
  private async truncate(endOffset: number): Promise<void> {
    if (endOffset < this.appliedOffset) throw new Error(`metadata quorum: truncating to ${endOffset} would drop committed records (applied up to ${this.appliedOffset})`);
    await this.opts.log.truncateTo(endOffset);
    const first = this.entries[0]?.offset ?? endOffset;
    this.entries.length = Math.max(0, Math.min(this.entries.length, endOffset - first));
  }

  /** A LeaderChange entry's bytes: the leader is this node (the core appends it only as leader). */
  private readonly leaderChange = (): Buffer => leaderChangeMessage(this.opts.nodeId, this.opts.voters, [this.opts.nodeId]);

  private wireIdentity(): WireIdentity {
    return { clusterId: this.opts.clusterId ?? '', localId: this.opts.nodeId, leaderChange: this.leaderChange, nowMs: () => this.opts.clock.nowMs() };
  }

  private entriesFrom(fromOffset: number, maxEntries: number): Entry[] {
    const first = this.entries[0]?.offset ?? fromOffset;
    return this.entries.slice(fromOffset - first, fromOffset - first + maxEntries);
  }

  private feed(input: RaftInput): Promise<void> {
    const step = this.stepping.then(async () => {
      if (this.closed) return;
      await this.perform(this.core.step(this.opts.clock.nowMs(), input));
      this.armTimer();
    });
    this.stepping = step.catch((e: unknown) => this.fail(e));
    return this.stepping;
  }

  private fail(e: unknown): void {
    this.closed = true;
    this.timer?.cancel();
    // Nothing will commit them now: their commands fail instead of waiting forever.
    for (const p of this.pending.values()) p.reject(new Error(`the metadata quorum failed: ${e instanceof Error ? e.message : String(e)}`));
    this.pending.clear();
    this.opts.onFatal(e);
  }

  private armTimer(): void {
    this.timer?.cancel();
    const delay = Math.max(0, this.core.nextDeadlineMs() - this.opts.clock.nowMs());
    this.timer = this.opts.clock.setTimer(Math.min(delay, 0x7fffffff), () => void this.feed({ kind: 'tick' }));
  }

  private async perform(outputs: readonly RaftOutput[]): Promise<void> {
    for (const out of outputs) await this.performOne(out);
  }

  private async performOne(out: RaftOutput): Promise<void> {
    const { fs, log } = this.opts;
    switch (out.kind) {
      case 'persistQuorumState':
        return fs.writeFileAtomic(join(log.dir, QUORUM_STATE_FILE), Buffer.from(encodeQuorumState(out.state, this.opts.voters)));
      case 'append':
        for (const e of await appendEntries(log, out.entries, this.leaderChange, this.opts.clock.nowMs())) this.entries.push(e);
        return;
      case 'truncate':
        return this.truncate(out.endOffset);
      case 'send':
        if (this.messenger === undefined) throw new Error(`metadata quorum: a message for voter ${out.to} with no transport`);
        return this.messenger.send(out.to, out.message);
      case 'flush':
        return log.flush();
      case 'highWatermark':
        return this.commitUpTo(out.offset);
      case 'proposalResult':
        return this.proposalAnswered(out.id, out.result);
      case 'becameLeader':
        this.leaderEpochStart = out.epochStartOffset;
        return;
      case 'leaderChange':
        if (out.leaderId !== this.opts.nodeId) this.leaderEpochStart = -1;
        return;
      case 'resigned':
        this.leaderEpochStart = -1;
        return;
      default:
        // deleteBefore, snapshotChunk, installSnapshot: snapshots, which this driver does not
        // take or install yet (a fault, never silently skipped).
        throw new Error(`metadata quorum: ${out.kind} is not supported yet`);
    }
  }

  private proposalAnswered(id: number, result: Extract<RaftOutput, { kind: 'proposalResult' }>['result']): Promise<void> | void {
    const p = this.pending.get(id);
    if (p === undefined) return;
    if (!result.accepted) {
      this.pending.delete(id);
      // Not the leader (any more): the caller goes to the one the core knows.
      p.reject(new NotControllerError(result.leaderId));
      return;
    }
    p.baseOffset = result.baseOffset;
    p.lastOffset = result.lastOffset;
    return this.commitUpTo(this.core.highWatermark ?? 0);
  }

  /**
   * Hands the newly committed records to `onCommitted` (in the background, in order), then
   * resolves every accepted proposal whose last offset is below the high watermark once they are
   * published. A failed publish is fatal: the image would no longer match the log.
   */
  private commitUpTo(highWatermark: number): void {
    const apply = this.opts.onCommitted;
    const batch: CommittedRecord[] = [];
    if (highWatermark > this.appliedOffset) {
      for (const e of this.entriesFrom(this.appliedOffset, highWatermark - this.appliedOffset)) {
        if (e.control === undefined) batch.push({ record: decodeMetadataRecord(Buffer.from(e.data)), offset: e.offset });
      }
    }
    this.appliedOffset = Math.max(this.appliedOffset, highWatermark);
    const done: Pending[] = [];
    for (const [id, p] of this.pending) {
      if (p.lastOffset < 0 || p.lastOffset >= highWatermark) continue;
      this.pending.delete(id);
      done.push(p);
    }
    const upTo = this.appliedOffset;
    this.publishing = this.publishing.then(async () => {
      if (apply !== undefined && batch.length > 0) await apply(batch);
      this.publishedOffset = Math.max(this.publishedOffset, upTo);
      for (const p of done) p.resolve(Array.from({ length: p.lastOffset - p.baseOffset + 1 }, (_, i) => p.baseOffset + i));
    });
    this.publishing = this.publishing.catch((e: unknown) => {
      for (const p of done) p.reject(e);
      this.fail(e);
    });
  }
}
