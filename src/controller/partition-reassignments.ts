/**
 * Partition reassignments as Kafka's controller runs them (ReplicationControlManager with
 * PartitionReassignmentReplicas / PartitionReassignmentRevert): listing the ongoing ones, starting
 * and cancelling them (AlterPartitionReassignments), and completing one once its targets are in
 * the ISR (called from AlterPartition, alter-partition-control.ts, and at start).
 *
 * During a reassignment from replicas O to target R, the partition's replicas are R followed by
 * O − R, `addingReplicas` = R − O, `removingReplicas` = O − R. It completes when the ISR holds every
 * replica of R: replicas = R, adding and removing empty, ISR ∩ R, and a new leader from R ∩ ISR if
 * the leader is not in R. A change that drops replicas (completion, cancellation of an expansion)
 * bumps the leader epoch, as Kafka does, fencing the dropped replicas' fetches.
 *
 * Errors per partition: UNKNOWN_TOPIC_OR_PARTITION; INVALID_REPLICA_ASSIGNMENT for an empty target,
 * a broker twice, or an unregistered broker; INVALID_REPLICATION_FACTOR when the request
 * disallows a replication factor change (v1) and the target changes it; NO_REASSIGNMENT_IN_PROGRESS
 * for a cancellation (null target) of a partition not reassigning.
 */
import { ErrorCode } from '../protocol/generated/error-codes.js';
import type { PartitionChangeRecord } from '../protocol/generated/metadata/partition-change-record.js';
import { isActiveBroker } from '../metadata/broker-image.js';
import type { MetadataImage, PartitionImage } from '../metadata/metadata-image.js';
import type { MetadataRecord } from '../metadata/metadata-record.js';
import type { ControllerResult } from './controller.js';
import { NO_LEADER, partitionChangeRecord } from './partition-change.js';

const NO_LEADER_CHANGE = -2;

export interface OngoingReassignment {
  topic: string;
  partition: number;
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

export function isReassigning(p: PartitionImage): boolean {
  return p.addingReplicas.length > 0 || p.removingReplicas.length > 0;
}

/** A read run in the controller's queue (it sees every earlier command), writing nothing. */
export function listReassignmentsCommand(requested: readonly { topic: string; partitions: readonly number[] }[] | null) {
  return (image: MetadataImage): ControllerResult<OngoingReassignment[]> => {
    const targets = requested ?? [...image.topicsByName.values()].map((t) => ({ topic: t.name, partitions: [...t.partitions.keys()] }));
    const out: OngoingReassignment[] = [];
    for (const t of targets) {
      const topic = image.topicsByName.get(t.topic);
      for (const id of topic === undefined ? [] : t.partitions) {
        const p = topic?.partitions.get(id);
        if (p === undefined || !isReassigning(p)) continue;
        out.push({ topic: t.topic, partition: id, replicas: [...p.replicas], addingReplicas: [...p.addingReplicas], removingReplicas: [...p.removingReplicas] });
      }
    }
    return { records: [], response: out };
  };
}

export interface ReassignmentRequest {
  topic: string;
  partitions: readonly { partition: number; replicas: readonly number[] | null }[];
}

export interface ReassignmentOutcome {
  topic: string;
  partition: number;
  errorCode: number;
  errorMessage: string | null;
}

/** AlterPartitionReassignments: one outcome per requested partition, the records of the accepted ones. */
export function alterReassignmentsCommand(requested: readonly ReassignmentRequest[], allowReplicationFactorChange: boolean) {
  return (image: MetadataImage): ControllerResult<ReassignmentOutcome[]> => {
    const records: MetadataRecord[] = [];
    const outcomes: ReassignmentOutcome[] = [];
    for (const t of requested) {
      for (const r of t.partitions) {
        const outcome = (errorCode: number, errorMessage: string | null = null): ReassignmentOutcome => ({ topic: t.topic, partition: r.partition, errorCode, errorMessage });
        const topic = image.topicsByName.get(t.topic);
        const p = topic?.partitions.get(r.partition);
        if (topic === undefined || p === undefined) {
          outcomes.push(outcome(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, topic === undefined ? `Unable to find topic ${t.topic}` : `Unable to find partition ${t.topic}:${r.partition}`));
          continue;
        }
        const result = r.replicas === null ? cancel(image, topic.topicId, p) : reassign(image, topic.topicId, p, r.replicas, allowReplicationFactorChange);
        if (typeof result === 'object' && result !== null && 'errorCode' in result) {
          outcomes.push(outcome(result.errorCode, result.errorMessage));
          continue;
        }
        if (result !== null) records.push(partitionChangeRecord(result));
        outcomes.push(outcome(ErrorCode.NONE));
      }
    }
    return { records, response: outcomes };
  };
}

interface Refusal {
  errorCode: number;
  errorMessage: string;
}

/** The replicas and ISR the partition had before its ongoing reassignment (Kafka's PartitionReassignmentRevert). */
function reverted(p: PartitionImage): { replicas: number[]; isr: number[] } {
  const replicas = p.replicas.filter((r) => !p.addingReplicas.includes(r));
  // An ISR of adding replicas only is left as it is (changeTo never writes an empty ISR).
  return { replicas, isr: p.isr.filter((r) => !p.addingReplicas.includes(r)) };
}

function cancel(image: MetadataImage, topicId: string, p: PartitionImage): PartitionChangeRecord | Refusal | null {
  if (!isReassigning(p)) return { errorCode: ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, errorMessage: 'No ongoing reassignment for this partition.' };
  const back = reverted(p);
  return changeTo(image, topicId, p, { replicas: back.replicas, isr: back.isr, adding: [], removing: [] });
}

function reassign(image: MetadataImage, topicId: string, p: PartitionImage, target: readonly number[], allowRfChange: boolean): PartitionChangeRecord | Refusal | null {
  const invalid = (errorMessage: string): Refusal => ({ errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage });
  if (target.length === 0) return invalid('The manual partition assignment includes an empty replica list.');
  const seen = new Set<number>();
  for (const id of target) {
    if (seen.has(id)) return invalid(`The manual partition assignment includes the broker ${id} more than once.`);
    seen.add(id);
    if (!image.brokers.has(id)) return invalid(`The manual partition assignment includes broker ${id}, but no such broker is registered.`);
  }
  const original = reverted(p);
  if (!allowRfChange && target.length !== original.replicas.length) {
    return { errorCode: ErrorCode.INVALID_REPLICATION_FACTOR, errorMessage: `The replication factor is changed from ${original.replicas.length} to ${target.length}` };
  }
  const removing = original.replicas.filter((r) => !target.includes(r));
  const adding = target.filter((r) => !original.replicas.includes(r));
  const replicas = [...target, ...removing];
  const isr = p.isr.filter((r) => replicas.includes(r));
  return changeTo(image, topicId, p, completed(target, { replicas, isr, adding, removing }));
}

export interface Assignment {
  replicas: number[];
  isr: number[];
  adding: number[];
  removing: number[];
}

/** Kafka's completeReassignmentIfNeeded: once the ISR holds every target replica, the target is the assignment. */
function completed(target: readonly number[], a: Assignment): Assignment {
  if (a.adding.length === 0 && a.removing.length === 0) return a;
  if (!target.every((r) => a.isr.includes(r))) return a;
  return { replicas: [...target], isr: a.isr.filter((r) => target.includes(r)), adding: [], removing: [] };
}

/**
 * A reassigning partition whose ISR (as the caller is about to write it) holds every target
 * replica: the completed assignment, else null. The target is the replicas less the removing ones.
 */
export function completionFor(p: PartitionImage, newIsr: readonly number[]): Assignment | null {
  if (!isReassigning(p)) return null;
  const target = p.replicas.filter((r) => !p.removingReplicas.includes(r));
  const done = completed(target, { replicas: [...p.replicas], isr: [...newIsr], adding: [...p.addingReplicas], removing: [...p.removingReplicas] });
  return done.adding.length === 0 && done.removing.length === 0 ? done : null;
}

/**
 * The one PartitionChangeRecord taking the partition to the assignment, or null when it changes
 * nothing. The leader stays if it is still a replica in the ISR, else the first active replica in
 * the ISR leads (or none); dropping any replica bumps the leader epoch.
 */
export function changeTo(image: MetadataImage, topicId: string, p: PartitionImage, a: Assignment): PartitionChangeRecord | null {
  const record: PartitionChangeRecord = { partitionId: p.partitionId, topicId, leader: NO_LEADER_CHANGE, isr: null, replicas: null, addingReplicas: null, removingReplicas: null, leaderRecoveryState: -1 };
  if (!sameList(a.replicas, p.replicas)) record.replicas = [...a.replicas];
  if (!sameList(a.adding, p.addingReplicas)) record.addingReplicas = [...a.adding];
  if (!sameList(a.removing, p.removingReplicas)) record.removingReplicas = [...a.removing];
  if (a.isr.length > 0 && !sameList(a.isr, p.isr)) record.isr = [...a.isr];
  const canLead = (r: number): boolean => a.isr.includes(r) && a.replicas.includes(r) && isActiveBroker(image.brokers.get(r));
  if (!canLead(p.leader)) record.leader = a.replicas.find(canLead) ?? NO_LEADER;
  else if (!p.replicas.every((r) => a.replicas.includes(r))) record.leader = p.leader;
  const noOp = record.leader === NO_LEADER_CHANGE && record.isr === null && record.replicas === null && record.addingReplicas === null && record.removingReplicas === null;
  return noOp ? null : record;
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
