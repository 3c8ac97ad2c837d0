/**
 * How a partition's leader and ISR change (Kafka's PartitionChangeBuilder, without reassignment or
 * eligible leader replicas): given a target ISR and which brokers may lead, the one
 * PartitionChangeRecord that makes the change, or null when nothing changes.
 *
 * Election (Kafka's electAnyLeader / electPreferredLeader): a valid leader is in the target ISR and
 * acceptable; the current leader stays while valid (PREFERRED first tries replica 0); otherwise the
 * first valid replica in replica order; with unclean election, the first acceptable replica
 * outside the ISR, whose ISR becomes itself alone and whose log is RECOVERING; else no leader (-1).
 * An empty target ISR is never written: the ISR keeps its last member (no ELR).
 */
import type { PartitionChangeRecord } from '../protocol/generated/metadata/partition-change-record.js';
import { isActiveBroker } from '../metadata/broker-image.js';
import type { MetadataImage, PartitionImage, TopicImage } from '../metadata/metadata-image.js';
import type { MetadataRecord } from '../metadata/metadata-record.js';

export const NO_LEADER = -1;
const NO_LEADER_CHANGE = -2;
export const RECOVERED = 0;
export const RECOVERING = 1;

export type Election = 'online' | 'preferred' | 'unclean';

export interface PartitionChangeSpec {
  targetIsr: readonly number[];
  isAcceptableLeader: (brokerId: number) => boolean;
  election: Election;
  /** The leader recovery state the change sets (default: unchanged). */
  targetLeaderRecoveryState?: number;
}

/** The leader an election picks, and whether it is unclean (from outside the ISR). */
export function electLeader(p: PartitionImage, spec: PartitionChangeSpec): { leader: number; unclean: boolean } {
  const valid = (r: number): boolean => spec.targetIsr.includes(r) && spec.isAcceptableLeader(r);
  const preferred = p.replicas[0];
  if (spec.election === 'preferred' && preferred !== undefined && valid(preferred)) return { leader: preferred, unclean: false };
  if (valid(p.leader)) return { leader: p.leader, unclean: false };
  const online = p.replicas.find(valid);
  if (online !== undefined) return { leader: online, unclean: false };
  if (spec.election === 'unclean') {
    const unclean = p.replicas.find((r) => spec.isAcceptableLeader(r));
    if (unclean !== undefined) return { leader: unclean, unclean: true };
  }
  return { leader: NO_LEADER, unclean: false };
}

export function buildPartitionChange(topicId: string, p: PartitionImage, spec: PartitionChangeSpec): PartitionChangeRecord | null {
  const record: PartitionChangeRecord = { partitionId: p.partitionId, topicId, leader: NO_LEADER_CHANGE, isr: null, leaderRecoveryState: -1 };
  const elected = electLeader(p, spec);
  if (elected.leader !== p.leader) {
    record.leader = elected.leader;
    if (elected.unclean) {
      record.isr = [elected.leader];
      if (p.leaderRecoveryState !== RECOVERING) record.leaderRecoveryState = RECOVERING;
    }
  }
  if (record.isr === null && spec.targetIsr.length > 0 && !sameList(spec.targetIsr, p.isr)) record.isr = [...spec.targetIsr];
  const targetRecovery = spec.targetLeaderRecoveryState;
  if (targetRecovery !== undefined && targetRecovery !== p.leaderRecoveryState) record.leaderRecoveryState = targetRecovery;
  const noOp = record.leader === NO_LEADER_CHANGE && record.isr === null && record.leaderRecoveryState === -1;
  return noOp ? null : record;
}

export function partitionChangeRecord(data: PartitionChangeRecord): MetadataRecord {
  return { type: 'partitionChange', version: 0, data };
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export interface LeaderAndIsrUpdate {
  /** A broker leaving: never acceptable as leader, removed from every target ISR. */
  brokerToRemove?: number;
  /** A broker being unfenced: acceptable as leader though the image still shows it fenced. */
  brokerToAdd?: number;
  uncleanLeaderElection: (topic: string) => boolean;
}

/**
 * Kafka's generateLeaderAndIsrUpdates: one change per partition whose leader or ISR the update
 * moves, over the given partitions.
 */
export function leaderAndIsrUpdates(image: MetadataImage, partitions: Iterable<[TopicImage, PartitionImage]>, u: LeaderAndIsrUpdate): MetadataRecord[] {
  const isAcceptableLeader = (r: number): boolean => r !== u.brokerToRemove && (r === u.brokerToAdd || isActiveBroker(image.brokers.get(r)));
  const records: MetadataRecord[] = [];
  for (const [topic, p] of partitions) {
    const change = buildPartitionChange(topic.topicId, p, {
      targetIsr: p.isr.filter((r) => r !== u.brokerToRemove),
      isAcceptableLeader,
      election: u.uncleanLeaderElection(topic.name) ? 'unclean' : 'online',
    });
    if (change !== null) records.push(partitionChangeRecord(change));
  }
  return records;
}

export function* allPartitions(image: MetadataImage, where: (p: PartitionImage) => boolean): Generator<[TopicImage, PartitionImage]> {
  for (const topic of image.topicsById.values()) for (const p of topic.partitions.values()) if (where(p)) yield [topic, p];
}
