/**
 * Test support: replicas of one partition on several "brokers" in one process, each with its own
 * log in a temp dir, connected by the in-process Fetch transport, on a manual clock, with a tiny
 * stand-in for the controller: it holds the partition's leader, leader epoch and ISR, accepts an
 * ISR change only from the leader of the current epoch (as AlterPartition does), and moves the
 * leadership to an ISR member when told (a clean election).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { randomHexId } from '../io/random.js';
import { realFileSystem as fs } from '../io/real-file-system.js';
import type { IsrChangeRequest } from '../partition/leader-role.js';
import { Partition } from '../partition/partition.js';
import { InProcessTransport } from '../replication/in-process-transport.js';
import { ReplicaFetcher, type PartitionOutcome } from '../replication/replica-fetcher.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../storage/log-config.js';
import { PartitionLog } from '../storage/partition-log.js';
import { ManualClock } from './manual-clock.js';

export const TOPIC = 'replicated';
export const TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';

export interface ClusterOptions {
  brokers?: readonly number[];
  minInsyncReplicas?: number;
  replicaLagTimeMaxMs?: number;
  logConfig?: Partial<LogConfig>;
}

export class ReplicaCluster {
  readonly clock = new ManualClock();
  readonly transport = new InProcessTransport(this.clock);
  readonly replicas = new Map<number, Partition>();
  readonly fetchers = new Map<number, ReplicaFetcher>();
  leader = -1;
  leaderEpoch = 0;
  isr: number[] = [];
  /** ISR changes the controller accepted, in order (for assertions). */
  readonly isrChanges: number[][] = [];
  private readonly dirs: string[] = [];

  private constructor(readonly brokers: readonly number[]) {}

  static async start(opts: ClusterOptions = {}): Promise<ReplicaCluster> {
    const brokers = opts.brokers ?? [1, 2, 3];
    const c = new ReplicaCluster(brokers);
    const config = { ...DEFAULT_LOG_CONFIG, ...opts.logConfig };
    for (const id of brokers) {
      const dir = path.join(os.tmpdir(), `tributary-repl-${randomHexId()}`, `${TOPIC}-0`);
      c.dirs.push(path.dirname(dir));
      const log = await PartitionLog.open(fs, dir, config, { clock: c.clock, topicId: TOPIC_ID });
      const p = new Partition(TOPIC, 0, TOPIC_ID, log, 0, false, 1 << 20, undefined, fs);
      p.minInsyncReplicas = opts.minInsyncReplicas ?? 1;
      p.configureReplication({ localId: id, clock: c.clock, replicaLagTimeMaxMs: opts.replicaLagTimeMaxMs ?? 30000, alterIsr: (r) => c.alterIsr(r) });
      c.replicas.set(id, p);
      c.transport.register(id, (topicId, partition) => (topicId === TOPIC_ID && partition === 0 ? c.replicas.get(id) : undefined));
    }
    await c.elect(brokers[0]!, 0, [...brokers]);
    return c;
  }

  replica(id: number): Partition {
    const p = this.replicas.get(id);
    if (p === undefined) throw new Error(`no broker ${id}`);
    return p;
  }

  get leaderReplica(): Partition {
    return this.replica(this.leader);
  }

  /** The controller's AlterPartition: accepted only from the current leader at the current epoch. */
  private alterIsr(r: IsrChangeRequest): Promise<readonly number[] | null> {
    if (r.leaderEpoch !== this.leaderEpoch || !this.replicas.get(this.leader)?.isLeader) return Promise.resolve(null);
    this.isr = [...r.isr].sort((a, b) => a - b);
    this.isrChanges.push(this.isr);
    return Promise.resolve(this.isr);
  }

  /** Makes `leader` the leader at `epoch` with `isr`; the others follow it with fresh fetchers. */
  async elect(leader: number, epoch: number, isr: number[]): Promise<void> {
    this.leader = leader;
    this.leaderEpoch = epoch;
    this.isr = [...isr].sort((a, b) => a - b);
    await this.replica(leader).becomeLeader({ leaderEpoch: epoch, replicas: this.brokers, isr: this.isr });
    this.fetchers.clear();
    for (const id of this.brokers) {
      if (id === leader) continue;
      const p = this.replica(id);
      p.becomeFollower({ leaderEpoch: epoch, leaderId: leader });
      const f = new ReplicaFetcher(leader, { localId: id, clock: this.clock, transport: this.transport, maxWaitMs: 0, backoffMs: 100 });
      f.addPartition(p);
      this.fetchers.set(id, f);
    }
  }

  /** A clean election: the next leader is an ISR member other than the current one; the ISR stays. */
  async failOver(to: number): Promise<void> {
    if (!this.isr.includes(to)) throw new Error(`broker ${to} is not in the ISR ${this.isr.join(',')}`);
    await this.elect(to, this.leaderEpoch + 1, this.isr);
  }

  /** One fetch round of follower `id`. */
  fetch(id: number): Promise<Map<string, PartitionOutcome>> {
    const f = this.fetchers.get(id);
    if (f === undefined) throw new Error(`broker ${id} has no fetcher (it leads?)`);
    return f.fetchOnce();
  }

  /** Fetch rounds of every follower in `ids` until none of them gets anything new (bounded). */
  async catchUp(ids: readonly number[] = this.brokers.filter((b) => b !== this.leader)): Promise<void> {
    const seen: string[] = [];
    for (let round = 0; round < 50; round++) {
      let progressed = false;
      for (const id of ids) {
        const out = await this.fetch(id);
        seen.push(`${id}:${[...out.values()].join(',')}@${this.replica(id).logEndOffset}`);
        if ([...out.values()].some((o) => o === 'appended' || o === 'truncated')) progressed = true;
      }
      if (!progressed) {
        // One more round so every follower reports its final LEO and learns the final HW.
        for (const id of ids) await this.fetch(id);
        return;
      }
    }
    throw new Error(`replicas did not converge in 50 rounds: ${seen.slice(-6).join(' ')}; leader ${this.leader} LEO ${this.leaderReplica.logEndOffset}`);
  }

  /** Whether the leader has written every append it has given offsets to. */
  leaderWritesDone(): boolean {
    const log = (this.leaderReplica as unknown as { log: PartitionLog }).log;
    return log.nextOffsetToAssign === log.logEndOffset;
  }

  /** Every batch of replica `id` as [baseOffset, bytes (hex)], below `end` (default its LEO). */
  async batches(id: number, end?: number): Promise<[number, string][]> {
    const p = this.replica(id);
    const stop = end ?? p.logEndOffset;
    const out: [number, string][] = [];
    let offset = p.logStartOffset;
    for (let round = 0; round < 10000 && offset < stop; round++) {
      const r = await p.read(offset, 1 << 20, true, 'logEnd');
      if (r.kind !== 'ok' || r.records.length === 0) break;
      let at = 0;
      while (at + 61 <= r.records.length) {
        const size = r.records.readInt32BE(at + 8) + 12;
        if (at + size > r.records.length) break;
        const base = Number(r.records.readBigInt64BE(at));
        if (base >= stop) return out;
        out.push([base, r.records.subarray(at, at + size).toString('hex')]);
        offset = base + r.records.readInt32BE(at + 23) + 1;
        at += size;
      }
    }
    return out;
  }

  async close(): Promise<void> {
    for (const p of this.replicas.values()) await p.close().catch(() => undefined);
    for (const d of this.dirs) await fs.rm(d);
  }
}
