/**
 * One simulated broker hosting a replica of the partition, assembled from the real parts as
 * node.ts assembles them: a LogManager over the broker's simulated disk (its recovery path on every
 * restart), a ReplicaManager (HW checkpoint restore, producer state from snapshot + log, roles from
 * metadata), a ReplicaFetcherManager over the simulated network, its own MetadataImage replayed from
 * the controller's records. The broker lifecycle is Kafka's: on start it registers (a new
 * incarnation: the controller takes it out of every ISR and leadership), then loads the image and
 * takes its role, then heartbeats; a crash loses the unsynced bytes of its disk.
 */
import * as path from 'node:path';
import type { FileSystem } from '../../io/file-system.js';
import { MetadataImage, type MetadataChange } from '../../metadata/metadata-image.js';
import { decodeMetadataRecord, encodeMetadataRecord, type MetadataRecord } from '../../metadata/metadata-record.js';
import type { IsrChangeRequest, ReplicationSettings } from '../../partition/leader-role.js';
import type { Partition } from '../../partition/partition.js';
import { ReplicaManager, type RoleChange } from '../../partition/replica-manager.js';
import { InProcessTransport } from '../../replication/in-process-transport.js';
import { ReplicaFetcherManager } from '../../replication/fetcher-manager.js';
import { LogManager } from '../../storage/log-manager.js';
import type { LogConfig } from '../../storage/log-config.js';
import type { SimClock } from './sim-clock.js';
import { SimDisk } from './sim-file-system.js';

export const TOPIC = 'sim';
export const LOG_DIR = '/data';

/** What a broker needs from the world around it. */
export interface BrokerWorld {
  readonly clock: SimClock;
  readonly logConfig: LogConfig;
  readonly replicaLagTimeMaxMs: number;
  /** The Fetch path to another broker (through the simulated network). */
  fetch: InProcessTransport['fetch'];
  /** AlterPartition from this broker (through the simulated network); the ISR in force, or null. */
  alterIsr(broker: SimBroker, request: IsrChangeRequest): Promise<readonly number[] | null>;
  /** Told when a hosted replica took a role (deliberate bugs hook in here). */
  onRole?(broker: SimBroker, role: RoleChange): void;
  trace(line: string): void;
  /**
   * node.ts's startup order instead of Kafka's: the restarted broker first applies the metadata it
   * had (its durable metadata log) and takes that role, then registers. Exploration only.
   */
  readonly staleImageFirst?: boolean;
  /** The controller's records (what the broker's durable metadata log holds a prefix of). */
  records(): readonly MetadataRecord[];
}

interface Running {
  readonly incarnation: number;
  readonly fs: FileSystem;
  readonly replicas: ReplicaManager;
  readonly fetchers: ReplicaFetcherManager;
  readonly image: MetadataImage;
  /** Records of the controller's log replayed into `image`. */
  applied: number;
  /** Metadata changes are applied one at a time, in order. */
  chain: Promise<void>;
  brokerEpoch: bigint;
  /** Registered in this incarnation and the image loaded: the broker serves. */
  serving: boolean;
}

export class SimBroker {
  readonly disk = new SimDisk();
  private generation = 0;
  /** How many of the controller's records this broker's (durable) metadata log holds. */
  private metadataSeen = 0;
  private run: Running | null = null;
  crashes = 0;

  constructor(
    readonly id: number,
    private readonly world: BrokerWorld,
  ) {}

  /** The running incarnation's number, or null when the broker is down. */
  get incarnation(): number | null {
    return this.run?.incarnation ?? null;
  }

  get up(): boolean {
    return this.run !== null;
  }

  /** Registered and serving its replica (its log has been recovered and its role taken). */
  get serving(): boolean {
    return this.run?.serving === true;
  }

  get brokerEpoch(): bigint {
    return this.run?.brokerEpoch ?? -1n;
  }

  get image(): MetadataImage | null {
    return this.run?.image ?? null;
  }

  get metadataOffset(): number {
    return this.run?.image.lastOffset ?? -1;
  }

  /** The hosted replica (once the image is loaded). */
  get partition(): Partition | undefined {
    return this.run?.replicas.get(TOPIC, 0);
  }

  /** Opens the disk through the real recovery path; registration comes next (the cluster drives it). */
  async start(): Promise<void> {
    if (this.run !== null) return;
    const incarnation = ++this.generation;
    const fs = this.disk.view();
    const w = this.world;
    const logs = await LogManager.open(fs, [LOG_DIR], { clock: w.clock, configFor: () => w.logConfig });
    const replication: ReplicationSettings = { localId: this.id, clock: w.clock, replicaLagTimeMaxMs: w.replicaLagTimeMaxMs, alterIsr: (r) => w.alterIsr(this, r) };
    const replicas = new ReplicaManager(fs, logs, {
      nodeId: this.id,
      fsyncOnAcksAll: true,
      logConfigFor: () => w.logConfig,
      maxMessageBytesFor: () => 1 << 20,
      minInsyncReplicasFor: () => 2,
      replication,
    });
    const fetchers = new ReplicaFetcherManager({ localId: this.id, clock: w.clock, transport: { fetch: (to, req) => w.fetch(to, req) }, maxWaitMs: 200, backoffMs: 100 });
    this.run = { incarnation, fs, replicas, fetchers, image: new MetadataImage(), applied: 0, chain: Promise.resolve(), brokerEpoch: -1n, serving: false };
    w.trace(`broker ${this.id} started (incarnation ${incarnation}), log recovered`);
    if (w.staleImageFirst === true && this.metadataSeen > 0) {
      const r = this.run;
      const records = w.records().slice(0, this.metadataSeen);
      for (; r.applied < records.length; r.applied++) replay(r.image, records[r.applied]!);
      r.serving = true;
      const topic = r.image.topicsByName.get(TOPIC);
      const partition = topic?.partitions.get(0);
      if (topic !== undefined && partition !== undefined) await this.enqueue(r, { kind: 'partitionAdded', topic, partition });
    }
  }

  /** Power loss: the running parts are dropped, the disk keeps only what was synced (torn tails). */
  crash(tear: Parameters<SimDisk['crash']>[0]): void {
    const r = this.run;
    if (r === null) return;
    this.run = null;
    // Its timers and loops stop with it (they would only hang on the dead disk, but keep firing).
    void r.fetchers.stop();
    void r.replicas.get(TOPIC, 0)?.close();
    this.crashes++;
    this.disk.crash(tear);
  }

  /** Registration accepted (a new broker epoch): loads the controller's image as of now and takes the role. */
  registered(brokerEpoch: bigint, records: readonly MetadataRecord[]): Promise<void> {
    const r = this.run;
    if (r === null) return Promise.resolve();
    if (r.serving) {
      r.brokerEpoch = brokerEpoch;
      this.catchUp(records);
      return r.chain;
    }
    r.brokerEpoch = brokerEpoch;
    // Kafka publishes the caught-up image at once (not every record on the way): one role change.
    for (; r.applied < records.length; r.applied++) replay(r.image, records[r.applied]!);
    this.metadataSeen = Math.max(this.metadataSeen, r.applied);
    r.serving = true;
    const topic = r.image.topicsByName.get(TOPIC);
    const partition = topic?.partitions.get(0);
    if (topic === undefined || partition === undefined) return Promise.resolve();
    return this.enqueue(r, { kind: 'partitionAdded', topic, partition });
  }

  /** Replays the controller's records this broker has not seen yet, applying each change in order. */
  catchUp(records: readonly MetadataRecord[]): void {
    const r = this.run;
    if (r === null || !r.serving) return;
    for (; r.applied < records.length; r.applied++) {
      this.metadataSeen = Math.max(this.metadataSeen, r.applied + 1);
      const change = replay(r.image, records[r.applied]!);
      if (change.kind === 'partitionChanged' || change.kind === 'partitionAdded') void this.enqueue(r, change);
    }
  }

  private enqueue(r: Running, change: MetadataChange): Promise<void> {
    r.chain = r.chain.then(async () => {
      if (this.run !== r) return;
      const role = await r.replicas.applyChange(change);
      if (role === null || this.run !== r) return;
      this.world.trace(`broker ${this.id}: ${role.kind === 'leader' ? `leads at epoch ${role.leaderEpoch}` : role.kind === 'removed' ? 'no longer a replica' : `follows ${role.leaderId} at epoch ${role.partition.leaderEpoch}`}`);
      this.world.onRole?.(this, role);
      await followRole(r.fetchers, role);
    });
    return r.chain;
  }

  /** Writes the replication-offset-checkpoint (the node does it every 5 s). */
  checkpointHighWatermarks(): Promise<void> {
    return this.run?.replicas.checkpointHighWatermarks() ?? Promise.resolve();
  }

  get logDir(): string {
    return path.join(LOG_DIR, `${TOPIC}-0`);
  }
}

function replay(image: MetadataImage, record: MetadataRecord): MetadataChange {
  return image.replay(decodeMetadataRecord(encodeMetadataRecord(record)), image.lastOffset + 1);
}

/** node-leadership.ts's followRole for the fetchers (the coordinators have no part here). */
async function followRole(fetchers: ReplicaFetcherManager, role: RoleChange): Promise<void> {
  const p = role.partition;
  if (role.kind === 'leader' || role.kind === 'removed') {
    await fetchers.unfollow(p);
    return;
  }
  if (!role.isNewLeader) return;
  await fetchers.unfollow(p);
  if (role.leaderId >= 0) await fetchers.follow(p);
}
