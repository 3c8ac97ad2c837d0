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
 * diverged truncates it.
 *
 * A node whose id is not among the voters is an observer (Kafka's broker-only node,
 * process.roles=broker): it fetches from the voters until one names the leader, then replicates
 * from the leader like a follower (truncation, FetchSnapshot included) and hears of committed
 * records through `onCommitted` as voters do; it never votes, stands or becomes the active
 * controller. Its quorum-state file is written as a voter's (leader and epoch, votedId -1). With
 * no voters known but bootstrap servers in its transport (controller.quorum.bootstrap.servers,
 * RaftTransport.bootstrapIds) it asks those instead, and takes the leader their answers name.
 *
 * Snapshots (KRaft's): the driver keeps its own MetadataImage replayed from exactly the committed
 * records (up to `appliedOffset`), so a snapshot is always of a consistent, committed image. After
 * metadata.log.max.record.bytes.between.snapshots bytes committed since the last snapshot (or
 * metadata.log.max.snapshot.interval.ms, checked when records commit, as Kafka's generator), it
 * writes `<offset>-<epoch>.checkpoint` (metadata-snapshot.ts) in the background and tells the core,
 * which answers `deleteBefore`: whole segments below the snapshot go, and older snapshots. On
 * open the latest snapshot is loaded first and the log after it replayed. As leader it serves the
 * latest snapshot's bytes to FetchSnapshot (held in memory: the reader is synchronous); as a
 * follower behind the leader's log start it assembles the fetched chunks, then installs the
 * snapshot: the log restarts empty at its end offset and the image is rebuilt from it
 * (`onSnapshotLoaded`).
 *
 * KIP-853 (kraft.version 1, no controller.quorum.voters): the voter set is recovered from the
 * latest snapshot, else the bootstrap checkpoint (`00000000000000000000-0000000000.checkpoint`,
 * node-quorum-format.ts; no snapshot of the log: only its voters count), else none (a node not yet
 * added), changed by every VotersRecord in the log after it; the core keeps it by offset. Voters
 * carry their listeners (VoterWithEndpoints) so the transport can reach a voter it was never
 * configured with. `addVoter` / `removeVoter` feed the core and resolve on its voterChangeResult.
 *
 * Invariants: the in-memory entries equal the log on disk from the snapshot's end on (the core
 * reads them synchronously); a controller command's records are applied only once committed
 * (offset < high watermark); a snapshot never ends past the high watermark.
 */
import { join } from 'node:path';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import type { Clock, Timer } from '../io/clock.js';
import type { FileSystem } from '../io/file-system.js';
import type { Random } from '../io/random.js';
import type { PartitionLog } from '../storage/partition-log.js';
import { decodeMetadataRecord, encodeMetadataRecord, type MetadataRecord } from '../metadata/metadata-record.js';
import { RaftCore, decodeQuorumState, encodeQuorumState, epochStartsOf, votersChangesOf, type DescribeQuorumData, type Entry, type RaftConfig, type RaftInput, type RaftOutput, type ElectionState, type OffsetAndEpoch, type RecoveredLog, type ReplicaKey } from '../raft/index.js';
import { MetadataImage } from '../metadata/metadata-image.js';
import { imageRecords } from '../metadata/image-records.js';
import { NotControllerError, type MetadataLogStore } from './controller.js';
import { decodeSnapshot, encodeSnapshot, SnapshotStore } from './metadata-snapshot.js';
import type { CommittedRecord } from './metadata-publisher.js';
import type { MetadataQuorum, RaftState, VoterChangeAnswer } from './metadata-quorum.js';
import { appendEntries, leaderChangeMessage, readEntries, type VoterEndpoint, type VoterWithEndpoints } from './metadata-log-entries.js';
import { RaftMessenger, type RaftTransport } from './raft-messenger.js';
import type { WireIdentity, WireRequest, WireResponse } from './raft-wire.js';

export const QUORUM_STATE_FILE = 'quorum-state';

/** More than a lone voter's election ever takes (each step is one tick of the core). */
const ALONE_STARTUP_STEPS = 10;
/** Kafka's metadata.log.max.record.bytes.between.snapshots and metadata.log.max.snapshot.interval.ms defaults. */
export const DEFAULT_SNAPSHOT_MAX_BYTES = 20 * 1024 * 1024;
export const DEFAULT_SNAPSHOT_INTERVAL_MS = 3_600_000;

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
  /** metadata.log.max.record.bytes.between.snapshots: committed record bytes that trigger a snapshot. */
  readonly snapshotMaxBytes?: number;
  /** metadata.log.max.snapshot.interval.ms: a snapshot at least this often while records commit (0: never by time). */
  readonly snapshotIntervalMs?: number;
  /**
   * Told when a snapshot fetched from the leader replaced the log: `records` are the whole image
   * as of `endOffset` (exclusive). What was published before is superseded: the receiver rebuilds
   * its image from them (MetadataPublisher.reload). Required with `onCommitted` once a follower
   * installs a snapshot (a missing receiver is a fault, never a silently stale image).
   */
  readonly onSnapshotLoaded?: (records: readonly MetadataRecord[], endOffset: number) => Promise<void>;
  /**
   * KIP-853: the voters live in the log (kraft.version 1) even when nothing on disk names them
   * yet: a controller formatted without initial controllers, or a node that finds the quorum
   * through controller.quorum.bootstrap.servers. Only with `voters` empty. A bootstrap checkpoint,
   * a snapshot or a log holding a voter set makes the log kraft.version 1 anyway.
   */
  readonly dynamic?: boolean;
}

/** The bootstrap checkpoint `kafka-storage format` writes (00000000000000000000-0000000000.checkpoint): the initial voter set. */
function isBootstrapCheckpoint(id: OffsetAndEpoch): boolean {
  return id.endOffset === 0 && id.epoch === 0;
}

/** The snapshot a restart found: its id and records (replayed before the log after it). */
interface LoadedSnapshot {
  readonly id: OffsetAndEpoch;
  readonly bytes: Buffer;
  readonly records: readonly MetadataRecord[];
  readonly voters?: readonly VoterWithEndpoints[];
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
  /** The committed image, replayed to `appliedOffset`: what a snapshot is taken of. */
  private image = new MetadataImage();
  /** The latest snapshot on disk and its bytes (served to FetchSnapshot synchronously). */
  private latest: { readonly id: OffsetAndEpoch; readonly bytes: Buffer } | undefined;
  private readonly loaded: LoadedSnapshot | undefined;
  private bytesSinceSnapshot = 0;
  private lastSnapshotMs: number;
  private snapshotting = false;
  /** kraft.version 1: the voter set the latest snapshot holds (FetchSnapshot's receivers read it). */
  private latestVoters: readonly VoterWithEndpoints[] | undefined;
  /** AddRaftVoter / RemoveRaftVoter requests waiting for the core's voterChangeResult, by id. */
  private readonly voterChanges = new Map<number, (answer: VoterChangeAnswer) => void>();

  private constructor(private readonly opts: RaftMetadataLogOptions, private readonly store: SnapshotStore, entries: Entry[], quorumState: ElectionState | undefined, loaded: LoadedSnapshot | undefined, bootstrapVoters: readonly VoterWithEndpoints[] | undefined) {
    this.loaded = loaded;
    this.lastSnapshotMs = opts.clock.nowMs();
    const snapEnd = loaded?.id.endOffset ?? 0;
    // Entries a snapshot covers (a crash came between the snapshot and the deletion) are not ours.
    this.entries = entries.filter((e) => e.offset >= snapEnd);
    if (loaded !== undefined) {
      this.latest = { id: loaded.id, bytes: loaded.bytes };
      this.latestVoters = loaded.voters;
      for (const r of loaded.records) this.image.replay(r, snapEnd - 1);
      this.appliedOffset = snapEnd;
    }
    if (!this.alone && opts.transport === undefined) throw new Error(`metadata quorum of ${opts.voters.length} voters${this.observer ? ' (this node observing)' : ''} without a transport to reach them`);
    this.messenger = opts.transport === undefined ? undefined : new RaftMessenger(opts.transport, this.wireIdentity(), opts.clock, opts.config.requestTimeoutMs, (from, message) => void this.feed({ kind: 'receive', from, message }));
    const log = opts.log;
    const voters = this.recoveredVoters(loaded, bootstrapVoters);
    const inForce = voters === undefined ? undefined : (voters.changes.at(-1)?.voters ?? voters.base);
    const observer = inForce === undefined ? this.observer : !inForce.some((v) => v.id === opts.nodeId);
    const bootstrapIds = opts.transport?.bootstrapIds ?? [];
    this.core = new RaftCore({
      localId: opts.nodeId,
      voters: opts.voters,
      config: opts.config,
      random: opts.random,
      reader: { entries: (from, max) => this.entriesFrom(from, max), snapshotChunk: (id, position, maxBytes) => this.snapshotChunk(id, position, maxBytes), snapshotVoters: () => this.latestVoters },
      quorumState: observer ? this.reachableLeader(quorumState) : quorumState,
      ...((observer || voters !== undefined) && bootstrapIds.length > 0 ? { bootstrap: bootstrapIds } : {}),
      log: { startOffset: log.logStartOffset, endOffset: log.logEndOffset, epochStarts: epochStartsOf(entries), ...(loaded === undefined ? {} : { snapshotId: loaded.id }), ...(voters === undefined ? {} : { voters }) },
    });
    for (const v of this.core.voterSet) this.learnVoter(v);
    for (const e of this.entries) if (e.control === 'voters') for (const v of e.voters ?? []) this.learnVoter(v);
  }

  /**
   * KIP-853: the voter set to recover (kraft.version 1), or undefined for static voters
   * (kraft.version 0). The base is the latest snapshot's set, else the bootstrap checkpoint's,
   * else none yet (a node formatted without initial controllers learns it by fetching); every
   * VotersRecord in the log after it changes it.
   */
  private recoveredVoters(loaded: LoadedSnapshot | undefined, bootstrapVoters: readonly VoterWithEndpoints[] | undefined): RecoveredLog['voters'] {
    const changes = votersChangesOf(this.entries);
    const inLog = changes.length > 0 || this.entries.some((e) => e.control === 'kraftVersion');
    const dynamic = loaded?.voters !== undefined || bootstrapVoters !== undefined || inLog || (this.opts.dynamic === true && this.opts.voters.length === 0);
    if (!dynamic) return undefined;
    if (this.opts.voters.length > 0) throw new Error(`controller.quorum.voters is set, but the metadata log holds a KIP-853 voter set (kraft.version 1): remove controller.quorum.voters and use controller.quorum.bootstrap.servers`);
    return { base: loaded?.voters ?? (loaded === undefined ? bootstrapVoters : undefined) ?? [], changes };
  }

  /**
   * A voter's controller listener (the first its VotersRecord names) is where quorum requests and
   * controller requests go (this node's own too: its broker side reaches the active controller there).
   */
  private learnVoter(v: VoterWithEndpoints): void {
    const at = v.endpoints?.[0];
    if (at !== undefined) this.opts.transport?.learnEndpoint?.(v.id, { host: at.host, port: at.port });
  }

  /** The only voter is this node: it leads at once and all of its log is committed. */
  private get alone(): boolean {
    return this.opts.voters.length === 1 && this.opts.voters[0] === this.opts.nodeId;
  }

  /** Not a voter (Kafka's observer): replicates only. */
  get observer(): boolean {
    // Before the core exists (the constructor asks): the static voters decide.
    return this.core === undefined ? !this.opts.voters.includes(this.opts.nodeId) : this.core.isObserver;
  }

  /**
   * An observer restarted with a leader in its quorum-state it has no address for (it found the
   * quorum through bootstrap servers) starts looking for the leader instead (Kafka: Unattached
   * when the leader's endpoints are unknown); the file is rewritten once an answer names one.
   */
  private reachableLeader(state: ElectionState | undefined): ElectionState | undefined {
    const endpointOf = this.opts.transport?.endpointOf?.bind(this.opts.transport);
    if (state === undefined || state.leaderId < 0 || endpointOf === undefined || endpointOf(state.leaderId) !== undefined) return state;
    return { ...state, leaderId: -1 };
  }

  /** Reads the log and the quorum-state file; `start()` then lets the core run. */
  static async open(opts: RaftMetadataLogOptions): Promise<RaftMetadataLog> {
    const entries = await readEntries(opts.log);
    const path = join(opts.log.dir, QUORUM_STATE_FILE);
    const quorumState = (await opts.fs.exists(path)) ? decodeQuorumState((await opts.fs.readFile(path)).toString('utf8')) : undefined;
    const store = new SnapshotStore(opts.fs, opts.log.dir);
    const ids = await store.open();
    const id = ids.filter((i) => !isBootstrapCheckpoint(i)).at(-1);
    let loaded: LoadedSnapshot | undefined;
    if (id !== undefined) {
      const bytes = await store.read(id);
      const snap = await decodeSnapshot(bytes);
      loaded = { id, bytes, records: snap.records, ...(snap.voters === undefined ? {} : { voters: snap.voters }) };
    }
    // The bootstrap checkpoint is no snapshot of the log (it covers nothing): only its voter set counts.
    const bootstrap = ids.find(isBootstrapCheckpoint);
    const bootstrapVoters = bootstrap === undefined ? undefined : (await decodeSnapshot(await store.read(bootstrap))).voters;
    return new RaftMetadataLog(opts, store, entries, quorumState, loaded, bootstrapVoters);
  }

  /**
   * Before `start`: a node alone in its quorum hands `apply` every metadata record in its log as
   * one batch (all of it is committed: it accepted nothing it did not flush). Among several voters
   * a log's tail may be uncommitted and later truncated by a new leader, so a voter replays
   * nothing here: as Kafka's, it publishes records only once it learns they are committed (the
   * high watermark from its leader, or its own as leader), through `onCommitted`.
   */
  async replay(apply: (batch: readonly CommittedRecord[]) => Promise<void>): Promise<void> {
    // The latest snapshot is committed by definition: every voter starts from it (its records at
    // the snapshot's last offset, the image's offset once loaded).
    const snap = this.loaded;
    if (snap !== undefined) {
      await apply(snap.records.map((record) => ({ record, offset: snap.id.endOffset - 1 })));
      this.publishedOffset = Math.max(this.publishedOffset, snap.id.endOffset);
    }
    if (!this.alone) return;
    const batch: CommittedRecord[] = [];
    for (const e of this.entries) if (e.control === undefined) batch.push({ record: decodeMetadataRecord(Buffer.from(e.data)), offset: e.offset });
    this.replayIntoImage(this.entries);
    await apply(batch);
    this.appliedOffset = Math.max(this.appliedOffset, this.opts.log.logEndOffset);
    this.publishedOffset = this.appliedOffset;
  }

  /** The latest snapshot's id, if any (for tests and DescribeQuorum-like views). */
  get snapshotId(): OffsetAndEpoch | undefined {
    return this.latest?.id;
  }

  /** A copy of the committed records as the next snapshot would hold them. */
  committedImageRecords(): MetadataRecord[] {
    return imageRecords(this.image);
  }

  /** Starts the core: with the node as the only voter, it elects itself at once. */
  async start(): Promise<void> {
    await this.feed({ kind: 'tick' });
    // Alone, the node elects itself within a few steps (stand, lead, commit its LeaderChange):
    // taken here, so a lone node is the active controller, its image complete, when this returns.
    for (let step = 0; step < ALONE_STARTUP_STEPS && this.alone && !this.closed && !this.controllerState().active; step++) {
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

  /** kraft.version: 0 static voters (controller.quorum.voters), 1 voters in the log (KIP-853). */
  get kraftVersion(): 0 | 1 {
    return this.core.kraftVersion;
  }

  /** kraft.version 1: the voter set in force, each voter with the listeners its VotersRecord names; undefined for static voters. */
  voterSet(): readonly VoterWithEndpoints[] | undefined {
    return this.core.kraftVersion === 1 ? this.core.voterSet : undefined;
  }

  /** KIP-853 AddRaftVoter on the leader: resolves once the new voter set committed, or with Kafka's error. */
  addVoter(voter: ReplicaKey, endpoints: readonly VoterEndpoint[]): Promise<VoterChangeAnswer> {
    const withEndpoints: VoterWithEndpoints = { id: voter.id, directoryId: voter.directoryId, endpoints };
    return this.changeVoters((id) => ({ kind: 'addVoter', id, voter: withEndpoints }));
  }

  /** KIP-853 RemoveRaftVoter on the leader: resolves once the new voter set committed, or with Kafka's error. */
  removeVoter(voter: ReplicaKey): Promise<VoterChangeAnswer> {
    return this.changeVoters((id) => ({ kind: 'removeVoter', id, voter: { id: voter.id, directoryId: voter.directoryId } }));
  }

  private changeVoters(input: (id: number) => RaftInput): Promise<VoterChangeAnswer> {
    if (this.closed) return Promise.resolve({ errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, errorMessage: 'the metadata log is closed' });
    const id = this.nextProposalId++;
    const done = new Promise<VoterChangeAnswer>((resolve) => this.voterChanges.set(id, resolve));
    void this.feed(input(id));
    return done;
  }

  /** Kafka's raft-metrics view of the quorum (current-state and the offsets beside it). */
  raftState(): RaftState {
    const c = this.core;
    const role = c.role;
    // Kafka's current-state: an observer following a leader is "observer".
    const state = role === 'unattached' && c.votedId !== -1 ? 'voted' : role === 'follower' && c.isObserver ? 'observer' : role;
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
    // A snapshot half fetched is dropped (a restart deletes its `.part` file anyway).
    this.store.abandonFetch().catch(() => undefined);
    for (const p of this.pending.values()) p.reject(new Error('the metadata log closed before the records were committed'));
    this.pending.clear();
    this.answerVoterChanges('the metadata log closed before the voter change committed');
  }

  private answerVoterChanges(errorMessage: string): void {
    for (const answer of this.voterChanges.values()) answer({ errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, errorMessage });
    this.voterChanges.clear();
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
  private readonly leaderChange = (): Buffer => leaderChangeMessage(this.opts.nodeId, this.core.voters, [this.opts.nodeId]);

  private wireIdentity(): WireIdentity {
    const transport = this.opts.transport;
    return { clusterId: this.opts.clusterId ?? '', localId: this.opts.nodeId, leaderChange: this.leaderChange, nowMs: () => this.opts.clock.nowMs(), endpointOf: (id) => transport?.endpointOf?.(id) };
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
    // After close (or a first failure) a step still in flight may meet the closed log: not a new fault.
    if (this.closed) return;
    this.closed = true;
    this.timer?.cancel();
    // Nothing will commit them now: their commands fail instead of waiting forever.
    for (const p of this.pending.values()) p.reject(new Error(`the metadata quorum failed: ${e instanceof Error ? e.message : String(e)}`));
    this.pending.clear();
    this.answerVoterChanges('the metadata quorum failed');
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
        return fs.writeFileAtomic(join(log.dir, QUORUM_STATE_FILE), Buffer.from(encodeQuorumState(out.state, this.core.voters)));
      case 'append':
        for (const e of await appendEntries(log, out.entries, this.leaderChange, this.opts.clock.nowMs())) this.entries.push(e);
        for (const e of out.entries) if (e.control === 'voters') for (const v of e.voters ?? []) this.learnVoter(v);
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
      case 'deleteBefore':
        return this.deleteBefore(out.snapshotId);
      case 'snapshotChunk':
        return this.store.writeChunk(out.snapshotId, out.position, out.bytes);
      case 'installSnapshot':
        return this.installSnapshot(out.snapshotId);
      case 'voterChangeResult': {
        const answer = this.voterChanges.get(out.id);
        this.voterChanges.delete(out.id);
        answer?.({ errorCode: out.errorCode, ...(out.errorMessage === undefined ? {} : { errorMessage: out.errorMessage }) });
        return;
      }
    }
  }

  /** Bytes of the latest snapshot for a FetchSnapshot answer (undefined: not our latest). */
  private snapshotChunk(id: OffsetAndEpoch, position: number, maxBytes: number): { bytes: Uint8Array; size: number } | undefined {
    const latest = this.latest;
    if (latest === undefined || latest.id.endOffset !== id.endOffset || latest.id.epoch !== id.epoch) return undefined;
    return { bytes: latest.bytes.subarray(Math.max(0, position), Math.max(0, position) + maxBytes), size: latest.bytes.length };
  }

  /**
   * A snapshot covers the log before `id.endOffset`: whole segments below it are deleted (the log
   * restarts empty there if it ends earlier, as after a crash mid-install), and older snapshots.
   */
  private async deleteBefore(id: OffsetAndEpoch): Promise<void> {
    const log = this.opts.log;
    if (id.endOffset > log.logEndOffset) await log.truncateFullyAndStartAt(id.endOffset);
    else await log.deleteRecordsBefore(id.endOffset);
    const keep = this.entries.findIndex((e) => e.offset >= id.endOffset);
    this.entries.splice(0, keep < 0 ? this.entries.length : keep);
    await this.store.deleteBefore(id);
  }

  /**
   * A snapshot fetched from the leader is whole: it becomes durable, replaces the log (which
   * restarts empty at its end), and the image is rebuilt from it; the node hears of it through
   * `onSnapshotLoaded`, in order with the batches published before.
   */
  private async installSnapshot(id: OffsetAndEpoch): Promise<void> {
    const bytes = await this.store.completeFetch(id);
    const { records, voters } = await decodeSnapshot(bytes);
    await this.opts.log.truncateFullyAndStartAt(id.endOffset);
    this.entries.length = 0;
    this.latest = { id, bytes };
    this.latestVoters = voters;
    for (const v of voters ?? []) this.learnVoter(v);
    await this.store.deleteBefore(id);
    this.image = new MetadataImage();
    for (const r of records) this.image.replay(r, id.endOffset - 1);
    this.appliedOffset = id.endOffset;
    this.bytesSinceSnapshot = 0;
    this.lastSnapshotMs = this.opts.clock.nowMs();
    const { onSnapshotLoaded, onCommitted } = this.opts;
    if (onSnapshotLoaded === undefined && onCommitted !== undefined) throw new Error(`metadata quorum: installed snapshot ${id.endOffset}-${id.epoch} but nothing rebuilds the published image from it`);
    this.publishing = this.publishing
      .then(async () => {
        if (onSnapshotLoaded !== undefined) await onSnapshotLoaded(records, id.endOffset);
        this.publishedOffset = Math.max(this.publishedOffset, id.endOffset);
      })
      .catch((e: unknown) => this.fail(e));
  }

  /** Replays committed entries into the driver's own image (their bytes decoded afresh: no sharing with the node's image). */
  private replayIntoImage(entries: readonly Entry[]): void {
    for (const e of entries) {
      this.bytesSinceSnapshot += e.data.length;
      if (e.control === undefined) this.image.replay(decodeMetadataRecord(Buffer.from(e.data)), e.offset);
    }
  }

  /** Takes a snapshot in the background when enough was committed since the last (Kafka's SnapshotGenerator). */
  private maybeSnapshot(): void {
    if (this.snapshotting || this.closed || this.appliedOffset <= (this.latest?.id.endOffset ?? 0)) return;
    const maxBytes = this.opts.snapshotMaxBytes ?? DEFAULT_SNAPSHOT_MAX_BYTES;
    const intervalMs = this.opts.snapshotIntervalMs ?? DEFAULT_SNAPSHOT_INTERVAL_MS;
    const now = this.opts.clock.nowMs();
    const byTime = intervalMs > 0 && this.bytesSinceSnapshot > 0 && now - this.lastSnapshotMs >= intervalMs;
    if (this.bytesSinceSnapshot < maxBytes && !byTime) return;
    const epoch = this.core.epochOf(this.appliedOffset - 1);
    if (epoch === undefined) return;
    const id = { endOffset: this.appliedOffset, epoch };
    // The records are copied now: the image moves on while the file is written.
    const records = imageRecords(this.image);
    // kraft.version 1: the snapshot holds the voter set in force at its last entry.
    const voters = this.core.kraftVersion === 1 ? this.core.votersAt(this.appliedOffset - 1) : undefined;
    this.snapshotting = true;
    this.bytesSinceSnapshot = 0;
    this.lastSnapshotMs = now;
    void this.writeSnapshot(id, records, now, voters);
  }

  private async writeSnapshot(id: OffsetAndEpoch, records: readonly MetadataRecord[], nowMs: number, voters: readonly VoterWithEndpoints[] | undefined): Promise<void> {
    try {
      const bytes = await encodeSnapshot(id, records, nowMs, nowMs, voters);
      await this.store.write(id, bytes);
      if (this.closed) return;
      // A snapshot installed from the leader meanwhile is newer: this one is already superseded.
      if ((this.latest?.id.endOffset ?? 0) >= id.endOffset) return await this.store.deleteBefore(this.latest?.id ?? id);
      this.latest = { id, bytes };
      this.latestVoters = voters;
      await this.feed({ kind: 'snapshotTaken', snapshotId: id });
    } catch (e) {
      this.fail(e);
    } finally {
      this.snapshotting = false;
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
      const committed = this.entriesFrom(this.appliedOffset, highWatermark - this.appliedOffset);
      for (const e of committed) {
        if (e.control === undefined) batch.push({ record: decodeMetadataRecord(Buffer.from(e.data)), offset: e.offset });
      }
      this.replayIntoImage(committed);
    }
    this.appliedOffset = Math.max(this.appliedOffset, highWatermark);
    this.maybeSnapshot();
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
