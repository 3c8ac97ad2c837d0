/**
 * Three brokers replicating one partition, the controller that moves its leadership and ISR, and an
 * idempotent producer, all on one simulated clock and network (seeded: a seed replays exactly).
 *
 * The controller is the real ClusterControl over a MetadataImage (cluster-harness.ts): brokers
 * register and heartbeat through the network, an expired session fences the broker (it leaves the
 * ISR and its leadership: a clean election from the ISR, never unclean), a restarted broker
 * registers a new incarnation (out of every ISR), AlterPartition decides ISR changes. Each broker
 * learns the controller's records after a delay of its own, as metadata reaches brokers in any order.
 *
 * The producer is a client with enable.idempotence: one batch in flight (sequence numbers in
 * order), acks=all, retried on every error and timeout against the leader the controller names,
 * so a lost acknowledgement makes a duplicate the leader must recognise.
 *
 * A broker restarts Kafka's way: it registers (a new incarnation leaves every ISR and leadership),
 * then takes its role from the caught-up image. REPLICATION_SIM_RESTART=node plays node.ts's order
 * instead (the role from the broker's own, possibly stale, metadata first, registration after),
 * which loses acknowledged records: a restarted leader that lost its unsynced tail leads again at
 * its old epoch until its session expires, and its followers truncate to it.
 *
 * `SimBug` switches on deliberate bugs so a test can prove the checker fails: `hwFromMinority`, a
 * leader that raises its HW to its own LEO; `forgetProducers`, a new leader that forgets the
 * producers' sequence state.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { IsrChangeRequest } from '../../partition/leader-role.js';
import { ProducerStateManager } from '../../partition/producer-state.js';
import { InProcessTransport } from '../../replication/in-process-transport.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../storage/log-config.js';
import { makeBatch, writeCrc } from '../../storage/test-batches.js';
import { BASE_SEQUENCE_OFFSET, PRODUCER_EPOCH_OFFSET, PRODUCER_ID_OFFSET } from '../../protocol/records/batch-header.js';
import { ClusterHarness, registration } from '../cluster-harness.js';
import { Prng } from '../raft-sim/prng.js';
import { SimBroker, TOPIC, type BrokerWorld } from './sim-broker.js';
import { SimClock } from './sim-clock.js';
import { NetTimeout, SimNetwork } from './sim-network.js';

export type SimBug = 'hwFromMinority' | 'forgetProducers';
export const SIM_BUGS: readonly SimBug[] = ['hwFromMinority', 'forgetProducers'];

export const BROKERS = [1, 2, 3] as const;
/** The controller's and the producer's node ids on the simulated network. */
export const CONTROLLER = 100;
export const PRODUCER = 0;
export const PRODUCER_ID = 4000n;

// Kafka's timeouts, scaled down together so a run of a few simulated seconds sees many failovers.
/** broker.session.timeout.ms (Kafka: 9000) and broker.heartbeat.interval.ms (2000). */
const SESSION_TIMEOUT_MS = 2000;
const HEARTBEAT_MS = 400;
/** request.timeout.ms of every client (the producer adds PRODUCE_TIMEOUT_MS, its acks timeout). */
const REQUEST_TIMEOUT_MS = 1000;
const PRODUCE_TIMEOUT_MS = 800;
/** replica.high.watermark.checkpoint.interval.ms (Kafka: 5000). */
const HW_CHECKPOINT_MS = 1000;

export interface Ack {
  readonly seq: number;
  readonly offset: number;
}

export class SimCluster {
  readonly prng: Prng;
  private readonly faultPrng: Prng;
  readonly clock = new SimClock();
  readonly net: SimNetwork;
  readonly controller = new ClusterHarness(SESSION_TIMEOUT_MS);
  readonly brokers: SimBroker[];
  private readonly fetchServer: InProcessTransport;
  readonly trace: string[] | undefined;
  /** Acknowledged batches by sequence number, in the order acknowledged. */
  readonly acked: Ack[] = [];
  /** Problems the producer saw that no correct cluster gives (violations, reported by the checker). */
  readonly anomalies: string[] = [];
  producing = true;
  /** A batch is sent and not acknowledged yet. */
  inFlight = false;
  private nextSeq = 0;
  produceAttempts = 0;
  leaderChanges = 0;
  readonly logConfig: LogConfig = { ...DEFAULT_LOG_CONFIG, segmentBytes: 2048 };

  constructor(
    readonly seed: number,
    readonly bug: SimBug | undefined,
    tracing: boolean,
  ) {
    this.prng = new Prng(seed);
    this.faultPrng = this.prng.fork();
    this.trace = tracing ? [] : undefined;
    this.net = new SimNetwork(this.clock, this.prng.fork(), (id) => this.incarnationOf(id));
    this.fetchServer = new InProcessTransport(this.clock);
    const world: BrokerWorld = {
      clock: this.clock,
      logConfig: this.logConfig,
      replicaLagTimeMaxMs: 1500,
      fetch: (to, req) => {
        const from = req.replicaState?.replicaId ?? req.replicaId ?? -1;
        return this.net.call(from, to, REQUEST_TIMEOUT_MS, () => this.fetchServer.fetch(to, req));
      },
      alterIsr: (b, r) => this.alterIsr(b, r),
      onRole: (b, role) => {
        if (role.kind === 'leader' && this.bug === 'forgetProducers') role.partition.producers = new ProducerStateManager();
        if (role.kind === 'leader' && this.bug === 'hwFromMinority') {
          const p = role.partition;
          p.onLogEnd(() => p.leadership !== null && p.raiseHighWatermark(p.logEndOffset));
        }
      },
      trace: (line) => this.log(line),
      staleImageFirst: process.env.REPLICATION_SIM_RESTART === 'node',
      records: () => this.controller.written,
    };
    this.brokers = BROKERS.map((id) => new SimBroker(id, world));
    for (const b of this.brokers) this.fetchServer.register(b.id, (topicId, partition) => (b.serving && partition === 0 && b.partition?.topicId === topicId ? b.partition : undefined));
  }

  log(line: string): void {
    this.trace?.push(`${String(this.clock.now).padStart(6)} ${line}`);
  }

  broker(id: number): SimBroker {
    const b = this.brokers.find((x) => x.id === id);
    if (b === undefined) throw new Error(`no broker ${id}`);
    return b;
  }

  private incarnationOf(id: number): number | null {
    if (id === CONTROLLER || id === PRODUCER) return 0;
    return this.brokers.find((b) => b.id === id)?.incarnation ?? null;
  }

  /** The controller's view of the partition. */
  get partitionImage(): { leader: number; isr: number[]; leaderEpoch: number } {
    return this.controller.partition(TOPIC, 0);
  }

  /** Brokers registered at time 0, the topic created on them, every broker started. */
  async boot(): Promise<void> {
    for (const id of BROKERS) await this.controller.liveBroker(id, 0);
    this.controller.createTopic(TOPIC, [[...BROKERS]]);
    for (const b of this.brokers) this.startBroker(b, 0);
    this.every(100, () => void this.controllerDuties());
    this.every(HW_CHECKPOINT_MS, () => {
      for (const b of this.brokers) void b.checkpointHighWatermarks().catch(() => undefined);
    });
    this.clock.after(10, () => this.produceNext());
  }

  private every(ms: number, fn: () => void): void {
    const tick = (): void => {
      fn();
      this.clock.after(ms, tick);
    };
    this.clock.after(ms, tick);
  }

  // ---- broker lifecycle -------------------------------------------------------------------

  /** Starts (or restarts) a broker: log recovery, then registration until accepted, then heartbeats. */
  startBroker(b: SimBroker, generation: number): void {
    void b.start().then(() => this.register(b, b.incarnation, generation));
  }

  crash(b: SimBroker, downMs: number): void {
    if (!b.up) return;
    this.log(`CRASH broker ${b.id} (down ${downMs} ms); LEO ${b.partition?.logEndOffset} HW ${b.partition?.highWatermark}`);
    b.crash(this.faultPrng);
    this.clock.after(downMs, () => this.restart(b));
  }

  restart(b: SimBroker): void {
    if (b.up) return;
    this.log(`restart broker ${b.id}`);
    this.startBroker(b, b.crashes);
  }

  private register(b: SimBroker, incarnation: number | null, generation: number): void {
    if (incarnation === null || b.incarnation !== incarnation) return;
    const retry = (): void => this.clock.after(HEARTBEAT_MS, () => this.register(b, incarnation, generation));
    this.net
      .call(b.id, CONTROLLER, REQUEST_TIMEOUT_MS, () => this.controller.control.registerBroker(registration(b.id, null, generation), this.clock.now))
      .then(async (res) => {
        if (b.incarnation !== incarnation) return;
        if (res.errorCode !== ErrorCode.NONE) return retry();
        this.log(`broker ${b.id} registered, epoch ${res.brokerEpoch}; controller: ${JSON.stringify(this.partitionImage)}`);
        this.publish();
        await b.registered(res.brokerEpoch, this.controller.written);
        this.heartbeat(b, incarnation);
      }, retry);
  }

  private heartbeat(b: SimBroker, incarnation: number): void {
    if (b.incarnation !== incarnation) return;
    const req = { brokerId: b.id, brokerEpoch: b.brokerEpoch, currentMetadataOffset: BigInt(b.metadataOffset), wantFence: false, wantShutDown: false, offlineLogDirs: [] };
    this.net.call(b.id, CONTROLLER, REQUEST_TIMEOUT_MS, () => this.controller.control.heartbeat(req, this.clock.now)).then(
      () => this.publish(),
      () => undefined,
    );
    this.clock.after(HEARTBEAT_MS, () => this.heartbeat(b, incarnation));
  }

  private async controllerDuties(): Promise<void> {
    const fenced = await this.controller.control.fenceExpired(this.clock.now);
    if (fenced.length > 0) this.log(`controller fenced ${fenced.join(',')}: ${JSON.stringify(this.partitionImage)}`);
    this.publish();
  }

  private lastLeader = { leader: -1, epoch: -1 };
  private published = 0;

  /** New controller records reach each broker after a delay (not across a cut link). */
  private publish(): void {
    const p = this.partitionImage;
    if (p.leader !== this.lastLeader.leader || p.leaderEpoch !== this.lastLeader.epoch) {
      if (this.lastLeader.epoch >= 0) this.leaderChanges++;
      this.lastLeader = { leader: p.leader, epoch: p.leaderEpoch };
    }
    const written = this.controller.written.length;
    if (written === this.published) return;
    this.published = written;
    for (const b of this.brokers) this.deliverMetadata(b, written);
  }

  private deliverMetadata(b: SimBroker, upTo: number): void {
    this.clock.after(this.prng.between(1, 40), () => {
      if (!b.serving) return;
      if (!this.net.connected(CONTROLLER, b.id)) return this.deliverMetadata(b, upTo);
      b.catchUp(this.controller.written.slice(0, upTo));
    });
  }

  private async alterIsr(b: SimBroker, r: IsrChangeRequest): Promise<readonly number[] | null> {
    const image = b.image;
    const t = image?.topicsByName.get(r.topic);
    const p = t?.partitions.get(r.partition);
    if (t === undefined || p === undefined) return null;
    const req = {
      brokerId: b.id,
      brokerEpoch: b.brokerEpoch,
      topics: [{ topicId: t.topicId, partitions: [{ partitionIndex: r.partition, leaderEpoch: r.leaderEpoch, newIsrWithEpochs: r.isr.map((id) => ({ brokerId: id, brokerEpoch: -1n })), leaderRecoveryState: 0, partitionEpoch: p.partitionEpoch }] }],
    };
    try {
      const res = await this.net.call(b.id, CONTROLLER, REQUEST_TIMEOUT_MS, () => this.controller.control.alterPartition(req, 3));
      this.publish();
      const answer = res.topics[0]?.partitions[0];
      const ok = res.errorCode === ErrorCode.NONE && answer !== undefined && answer.errorCode === ErrorCode.NONE;
      this.log(`broker ${b.id} AlterPartition ISR ${r.isr.join(',')} at epoch ${r.leaderEpoch}: ${ok ? 'accepted' : `refused ${res.errorCode}/${answer?.errorCode}`}`);
      return ok ? answer.isr : null;
    } catch {
      return null;
    }
  }

  // ---- the producer -----------------------------------------------------------------------

  private batchFor(seq: number): Buffer {
    const batch = makeBatch({ seed: seq, records: 1, payloadBytes: 12 });
    batch.writeBigInt64BE(PRODUCER_ID, PRODUCER_ID_OFFSET);
    batch.writeInt16BE(0, PRODUCER_EPOCH_OFFSET);
    batch.writeInt32BE(seq, BASE_SEQUENCE_OFFSET);
    writeCrc(batch);
    return batch;
  }

  private produceNext(): void {
    if (!this.producing) return;
    this.inFlight = true;
    this.send(this.nextSeq++, 0);
  }

  /** Sends batch `seq` to the leader the controller names; retries until it is acknowledged. */
  private send(seq: number, attempt: number): void {
    const retry = (why: string, backoffMs: number): void => {
      this.log(`produce seq ${seq} attempt ${attempt}: ${why}`);
      this.clock.after(backoffMs, () => this.send(seq, attempt + 1));
    };
    const leader = this.partitionImage.leader;
    if (leader < 0) return retry('no leader', 100);
    this.produceAttempts++;
    const batch = this.batchFor(seq);
    this.net
      .call(PRODUCER, leader, PRODUCE_TIMEOUT_MS + REQUEST_TIMEOUT_MS, async () => {
        const p = this.broker(leader).partition;
        if (p === undefined || !this.broker(leader).serving) return { kind: 'rejected' as const, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, message: 'not serving' };
        return p.appendFromClient(batch, -1, { producerId: PRODUCER_ID, epoch: 0, firstSeq: seq, lastSeq: seq }, 0, undefined, PRODUCE_TIMEOUT_MS);
      })
      .then(
        (o) => {
          if (o.kind === 'rejected') {
            if (!RETRIABLE.includes(o.errorCode)) this.anomalies.push(`produce of seq ${seq} to broker ${leader} refused with error ${o.errorCode}: ${o.message}`);
            return retry(`error ${o.errorCode}`, 50);
          }
          this.log(`ACK seq ${seq} at offset ${o.baseOffset} from broker ${leader} (${o.kind})`);
          this.acked.push({ seq, offset: o.baseOffset });
          this.inFlight = false;
          this.clock.after(this.prng.between(0, 30), () => this.produceNext());
        },
        (e: unknown) => retry(e instanceof NetTimeout ? 'timed out' : String(e), 50),
      );
  }
}

const RETRIABLE: readonly number[] = [ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.NOT_ENOUGH_REPLICAS, ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND, ErrorCode.REQUEST_TIMED_OUT];
