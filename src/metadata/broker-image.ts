/**
 * The registered brokers as the metadata log describes them: replay of RegisterBrokerRecord,
 * FenceBrokerRecord, UnfenceBrokerRecord and BrokerRegistrationChangeRecord with Kafka's
 * semantics (ClusterControlManager.replay). A registration replaces any earlier one of the same
 * id; fence/unfence/change records name the registration's epoch and must match it.
 *
 * Invariant: `registerOffset` is the log offset of the RegisterBrokerRecord that made the current
 * registration (a broker is caught up once its metadata offset reaches it).
 */
import type { RegisterBrokerRecord } from '../protocol/generated/metadata/register-broker-record.js';
import type { BrokerRegistrationChangeRecord } from '../protocol/generated/metadata/broker-registration-change-record.js';

export interface BrokerEndpointImage {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly securityProtocol: number;
}

export interface BrokerImage {
  readonly id: number;
  readonly epoch: bigint;
  readonly incarnationId: string;
  readonly endpoints: readonly BrokerEndpointImage[];
  readonly rack: string | null;
  /** The feature levels the broker's software supports (its registration's features): name → [min, max]. */
  readonly supportedFeatures: ReadonlyMap<string, readonly [number, number]>;
  readonly registerOffset: number;
  fenced: boolean;
  inControlledShutdown: boolean;
}

/** BrokerRegistrationChangeRecord's Fenced field (Kafka's BrokerRegistrationFencingChange). */
export const enum FencingChange {
  Unfence = -1,
  None = 0,
  Fence = 1,
}

/** BrokerRegistrationChangeRecord's InControlledShutdown field. */
export const enum ControlledShutdownChange {
  None = 0,
  InControlledShutdown = 1,
}

export function replayRegisterBroker(brokers: Map<number, BrokerImage>, r: RegisterBrokerRecord, offset: number): void {
  brokers.set(r.brokerId, {
    id: r.brokerId,
    epoch: r.brokerEpoch,
    incarnationId: r.incarnationId,
    endpoints: r.endPoints.map((e) => ({ name: e.name, host: e.host, port: e.port, securityProtocol: e.securityProtocol })),
    rack: r.rack,
    supportedFeatures: new Map(r.features.map((f) => [f.name, [f.minSupportedVersion, f.maxSupportedVersion] as const])),
    registerOffset: offset,
    fenced: r.fenced,
    inControlledShutdown: r.inControlledShutdown ?? false,
  });
}

/** FenceBrokerRecord / UnfenceBrokerRecord. */
export function replayFencing(brokers: Map<number, BrokerImage>, id: number, epoch: bigint, fenced: boolean): void {
  registration(brokers, id, epoch).fenced = fenced;
}

export function replayRegistrationChange(brokers: Map<number, BrokerImage>, r: BrokerRegistrationChangeRecord): void {
  const broker = registration(brokers, r.brokerId, r.brokerEpoch);
  const fencing = r.fenced ?? FencingChange.None;
  if (fencing === FencingChange.Fence) broker.fenced = true;
  else if (fencing === FencingChange.Unfence) broker.fenced = false;
  else if (fencing !== FencingChange.None) throw new Error(`metadata log invariant broken: fencing change ${fencing} for broker ${r.brokerId}`);
  const shutdown = r.inControlledShutdown ?? ControlledShutdownChange.None;
  if (shutdown === ControlledShutdownChange.InControlledShutdown) broker.inControlledShutdown = true;
  else if (shutdown !== ControlledShutdownChange.None) throw new Error(`metadata log invariant broken: controlled shutdown change ${shutdown} for broker ${r.brokerId}`);
}

function registration(brokers: Map<number, BrokerImage>, id: number, epoch: bigint): BrokerImage {
  const broker = brokers.get(id);
  // As Kafka's replay: a change naming another registration than the current one is a broken log.
  if (broker === undefined) throw new Error(`metadata log invariant broken: broker ${id} is not registered`);
  if (broker.epoch !== epoch) throw new Error(`metadata log invariant broken: broker ${id} has epoch ${broker.epoch}, a change names ${epoch}`);
  return broker;
}

/** Registered, unfenced and not shutting down: a broker that may lead and join ISRs (Kafka's isActive). */
export function isActiveBroker(broker: BrokerImage | undefined): boolean {
  return broker !== undefined && !broker.fenced && !broker.inControlledShutdown;
}
