/**
 * The controller's side of brokers (Kafka's ClusterControlManager plus the broker-driven parts of
 * ReplicationControlManager): registration, heartbeats (fencing, unfencing, controlled shutdown),
 * session expiry, AlterPartition, leader elections, partition reassignments, and the brokers topic placement may use.
 *
 * Every change is a ControllerCommand through `run` (one at a time, on the active controller; `run`
 * throws NotControllerError elsewhere, which propagates). Liveness is the controller's own state
 * (broker-heartbeats.ts), seeded from the image on the first command after activation, so a newly
 * active controller gives every known broker a fresh session (Kafka's activate()); it is dropped
 * on deactivate() and whenever `run` answers NotControllerError.
 *
 * Invariants: a broker epoch is the log position of its registration (image.lastOffset + 1 when the
 * command runs), so epochs are unique and grow; a new registration starts fenced; a broker leaving
 * (fenced, controlled shutdown, a new incarnation) stops leading and leaves every ISR it is not the
 * last member of.
 */
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { bootstrapFeaturesCommand } from './feature-control.js';
import type { BrokerRegistrationRequest } from '../protocol/generated/messages/broker-registration-request.js';
import type { BrokerRegistrationResponse } from '../protocol/generated/messages/broker-registration-response.js';
import type { BrokerHeartbeatRequest } from '../protocol/generated/messages/broker-heartbeat-request.js';
import type { BrokerHeartbeatResponse } from '../protocol/generated/messages/broker-heartbeat-response.js';
import type { AlterPartitionRequest } from '../protocol/generated/messages/alter-partition-request.js';
import type { AlterPartitionResponse } from '../protocol/generated/messages/alter-partition-response.js';
import { ControlledShutdownChange, FencingChange, isActiveBroker } from '../metadata/broker-image.js';
import type { MetadataImage } from '../metadata/metadata-image.js';
import type { MetadataRecord } from '../metadata/metadata-record.js';
import { NotControllerError, type ControllerCommand, type ControllerResult } from './controller.js';
import { BrokerHeartbeats, type BrokerControlState } from './broker-heartbeats.js';
import { allPartitions, leaderAndIsrUpdates } from './partition-change.js';
import { alterPartitionCommand } from './alter-partition-control.js';
import { alterReassignmentsCommand, type ReassignmentOutcome, type ReassignmentRequest } from './partition-reassignments.js';
import { electLeadersCommand, type ElectionOutcome, type ElectionType, type TopicPartitions } from './leader-election.js';

export interface ClusterControlOptions {
  run: <T>(cmd: ControllerCommand<T>) => Promise<T>;
  image: MetadataImage;
  /** broker.session.timeout.ms */
  sessionTimeoutMs: number;
  /** unclean.leader.election.enable for the topic (default: off). */
  uncleanLeaderElection?: (topic: string) => boolean;
  /** When set, registrations from another cluster get INCONSISTENT_CLUSTER_ID. */
  clusterId?: string;
}

const REGISTER_BROKER_RECORD_VERSION = 3;
const REGISTRATION_CHANGE_RECORD_VERSION = 1;

export class ClusterControl {
  private readonly heartbeats: BrokerHeartbeats;
  private readonly unclean: (topic: string) => boolean;

  constructor(private readonly o: ClusterControlOptions) {
    this.heartbeats = new BrokerHeartbeats(o.sessionTimeoutMs);
    this.unclean = o.uncleanLeaderElection ?? (() => false);
  }

  registerBroker(req: BrokerRegistrationRequest, nowMs: number): Promise<BrokerRegistrationResponse> {
    return this.run((image) => {
      this.syncSessions(image, nowMs);
      const refused = this.registrationProblem(image, req, nowMs);
      if (refused !== null) return { records: [], response: { throttleTimeMs: 0, errorCode: refused, brokerEpoch: -1n } };
      const existing = image.brokers.get(req.brokerId);
      const newIncarnation = existing?.incarnationId !== req.incarnationId;
      // A new cluster's feature levels come before its first broker (Kafka writes its bootstrap
      // metadata first): no broker is ever registered, or a client answered, without them.
      const records: MetadataRecord[] = [...bootstrapFeaturesCommand()(image).records];
      // Kafka's unclean-shutdown handling: an earlier incarnation's leaderships and ISR places go.
      if (existing !== undefined && newIncarnation) records.push(...this.leaveRecords(image, req.brokerId));
      const brokerEpoch = existing !== undefined && !newIncarnation ? existing.epoch : BigInt(image.lastOffset + 1);
      const fenced = existing !== undefined && !newIncarnation ? existing.fenced : true;
      records.push({
        type: 'registerBroker',
        version: REGISTER_BROKER_RECORD_VERSION,
        data: {
          brokerId: req.brokerId,
          isMigratingZkBroker: false,
          incarnationId: req.incarnationId,
          brokerEpoch,
          endPoints: req.listeners.map((l) => ({ name: l.name, host: l.host, port: l.port, securityProtocol: l.securityProtocol })),
          features: req.features.map((f) => ({ name: f.name, minSupportedVersion: f.minSupportedVersion, maxSupportedVersion: f.maxSupportedVersion })),
          rack: req.rack,
          fenced,
          inControlledShutdown: existing !== undefined && !newIncarnation ? existing.inControlledShutdown : false,
          logDirs: req.logDirs ?? [],
        },
      });
      this.heartbeats.register(req.brokerId, fenced, newIncarnation, nowMs);
      return { records, response: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, brokerEpoch } };
    });
  }

  async heartbeat(req: BrokerHeartbeatRequest, nowMs: number): Promise<BrokerHeartbeatResponse> {
    const out = await this.run((image) => this.heartbeatCommand(image, req, nowMs));
    // Kafka: the broker may shut down once every active broker has the records that moved its leaders.
    if (out.enteredControlledShutdown) this.heartbeats.setControlledShutdownOffset(req.brokerId, this.o.image.lastOffset);
    return out.response;
  }

  /** Fences every unfenced broker whose session expired, one command each; returns their ids. */
  async fenceExpired(nowMs: number): Promise<number[]> {
    const fenced: number[] = [];
    for (;;) {
      const id = await this.run((image): ControllerResult<number | null> => {
        this.syncSessions(image, nowMs);
        const stale = this.heartbeats.expired(nowMs)[0];
        if (stale === undefined) return { records: [], response: null };
        this.heartbeats.fence(stale);
        return { records: this.fenceRecords(image, stale), response: stale };
      });
      if (id === null) return fenced;
      fenced.push(id);
    }
  }

  alterPartition(req: AlterPartitionRequest, apiVersion: number): Promise<AlterPartitionResponse> {
    return this.run((image) => alterPartitionCommand(image, req, apiVersion, this.unclean));
  }

  /** AlterPartitionReassignments: start, change or (null target) cancel reassignments (partition-reassignments.ts). */
  alterReassignments(requested: readonly ReassignmentRequest[], allowReplicationFactorChange: boolean): Promise<ReassignmentOutcome[]> {
    return this.run(alterReassignmentsCommand(requested, allowReplicationFactorChange));
  }

  /** ElectLeaders PREFERRED: per partition, or every partition when `partitions` is null. */
  electPreferredLeaders(partitions: readonly TopicPartitions[] | null): Promise<ElectionOutcome[]> {
    return this.electLeaders('preferred', partitions);
  }

  /** ElectLeaders of either type (leader-election.ts): per partition, or every partition when null. */
  electLeaders(type: ElectionType, partitions: readonly TopicPartitions[] | null): Promise<ElectionOutcome[]> {
    return this.run(electLeadersCommand(type, partitions));
  }

  /**
   * Forgets all sessions: call when this node stops being the active controller, so that when it
   * is active again every broker gets a fresh session instead of one timed out meanwhile. (A
   * command refused with NotControllerError does the same.)
   */
  deactivate(): void {
    this.heartbeats.clear();
  }

  private async run<T>(cmd: ControllerCommand<T>): Promise<T> {
    try {
      return await this.o.run(cmd);
    } catch (e) {
      if (e instanceof NotControllerError) this.deactivate();
      throw e;
    }
  }

  /** Brokers new replicas may go to: registered, unfenced, not shutting down; by id. */
  placementBrokers(): number[] {
    return [...this.o.image.brokers.values()].filter((b) => isActiveBroker(b)).map((b) => b.id).sort((a, b) => a - b);
  }

  /** Registered brokers that are fenced and not shutting down: placement's fallback, as Kafka's. */
  fencedBrokers(): number[] {
    return [...this.o.image.brokers.values()].filter((b) => b.fenced && !b.inControlledShutdown).map((b) => b.id).sort((a, b) => a - b);
  }

  /** The racks of the placement brokers (topic-control's rack-aware placement). */
  placementRacks(): Map<number, string | null> {
    return new Map(this.placementBrokers().map((id) => [id, this.o.image.brokers.get(id)?.rack ?? null]));
  }

  private registrationProblem(image: MetadataImage, req: BrokerRegistrationRequest, nowMs: number): number | null {
    if (this.o.clusterId !== undefined && req.clusterId !== this.o.clusterId) return ErrorCode.INCONSISTENT_CLUSTER_ID;
    const existing = image.brokers.get(req.brokerId);
    if (existing !== undefined && existing.incarnationId !== req.incarnationId && this.heartbeats.hasValidSession(req.brokerId, nowMs)) {
      return ErrorCode.DUPLICATE_BROKER_REGISTRATION;
    }
    if (req.isMigratingZkBroker === true) return ErrorCode.BROKER_ID_NOT_REGISTERED;
    for (const f of req.features) {
      const level = image.finalizedFeatures.get(f.name);
      if (level !== undefined && (level < f.minSupportedVersion || level > f.maxSupportedVersion)) return ErrorCode.UNSUPPORTED_VERSION;
    }
    return null;
  }

  private heartbeatCommand(image: MetadataImage, req: BrokerHeartbeatRequest, nowMs: number): ControllerResult<{ response: BrokerHeartbeatResponse; enteredControlledShutdown: boolean }> {
    this.syncSessions(image, nowMs);
    const id = req.brokerId;
    const broker = image.brokers.get(id);
    if (broker === undefined || broker.epoch !== req.brokerEpoch) {
      return { records: [], response: { response: heartbeatResponse(ErrorCode.STALE_BROKER_EPOCH, false, 'fenced'), enteredControlledShutdown: false } };
    }
    const metadataOffset = Number(req.currentMetadataOffset);
    const hasLeaderships = (): boolean => allPartitions(image, (p) => p.leader === id).next().done !== true;
    const { current, next } = this.heartbeats.nextState(id, { wantFence: req.wantFence, wantShutDown: req.wantShutDown, currentMetadataOffset: metadataOffset }, broker.registerOffset, hasLeaderships);
    const records: MetadataRecord[] = [];
    if (current !== next) {
      if (next === 'fenced' || next === 'shutdownNow') records.push(...this.fenceRecords(image, id));
      else if (next === 'unfenced') records.push(...this.unfenceRecords(image, id));
      else records.push(...this.controlledShutdownRecords(image, id));
    }
    this.heartbeats.touch(id, next === 'fenced' || next === 'shutdownNow', metadataOffset, nowMs);
    const entered = next === 'controlledShutdown' && current !== 'controlledShutdown';
    if (entered) this.heartbeats.enterControlledShutdown(id);
    const response = heartbeatResponse(ErrorCode.NONE, metadataOffset >= broker.registerOffset, next);
    return { records, response: { response, enteredControlledShutdown: entered } };
  }

  /** The broker stops leading and leaves every ISR it is not the last member of. */
  private leaveRecords(image: MetadataImage, id: number): MetadataRecord[] {
    return leaderAndIsrUpdates(image, allPartitions(image, (p) => p.isr.includes(id) || p.leader === id), { brokerToRemove: id, uncleanLeaderElection: this.unclean });
  }

  private fenceRecords(image: MetadataImage, id: number): MetadataRecord[] {
    const broker = image.brokers.get(id);
    if (broker === undefined) return [];
    return [...this.leaveRecords(image, id), this.registrationChange(id, broker.epoch, { fenced: FencingChange.Fence })];
  }

  /** Unfencing elects the broker for leaderless partitions whose ISR holds it. */
  private unfenceRecords(image: MetadataImage, id: number): MetadataRecord[] {
    const broker = image.brokers.get(id);
    if (broker === undefined) return [];
    const leaderless = allPartitions(image, (p) => p.leader === -1);
    return [this.registrationChange(id, broker.epoch, { fenced: FencingChange.Unfence }), ...leaderAndIsrUpdates(image, leaderless, { brokerToAdd: id, uncleanLeaderElection: this.unclean })];
  }

  private controlledShutdownRecords(image: MetadataImage, id: number): MetadataRecord[] {
    const broker = image.brokers.get(id);
    if (broker === undefined) return [];
    const records = broker.inControlledShutdown ? [] : [this.registrationChange(id, broker.epoch, { inControlledShutdown: ControlledShutdownChange.InControlledShutdown })];
    return [...records, ...this.leaveRecords(image, id)];
  }

  private registrationChange(brokerId: number, brokerEpoch: bigint, change: { fenced?: number; inControlledShutdown?: number }): MetadataRecord {
    return { type: 'brokerRegistrationChange', version: REGISTRATION_CHANGE_RECORD_VERSION, data: { brokerId, brokerEpoch, fenced: change.fenced ?? 0, inControlledShutdown: change.inControlledShutdown ?? 0 } };
  }

  /** Tracks brokers this controller has not heard from yet (it just became active). */
  private syncSessions(image: MetadataImage, nowMs: number): void {
    for (const b of image.brokers.values()) {
      if (this.heartbeats.has(b.id)) continue;
      this.heartbeats.track(b.id, b.fenced, nowMs);
      if (!b.fenced && b.inControlledShutdown) {
        this.heartbeats.enterControlledShutdown(b.id);
        this.heartbeats.setControlledShutdownOffset(b.id, image.lastOffset);
      }
    }
  }
}

function heartbeatResponse(errorCode: number, isCaughtUp: boolean, state: BrokerControlState): BrokerHeartbeatResponse {
  return { throttleTimeMs: 0, errorCode, isCaughtUp, isFenced: state === 'fenced' || state === 'shutdownNow', shouldShutDown: state === 'shutdownNow' };
}
