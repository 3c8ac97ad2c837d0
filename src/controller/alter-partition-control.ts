/**
 * AlterPartition as Kafka's controller answers it (ReplicationControlManager.alterPartition): a
 * partition leader proposes a new ISR; the controller checks the request against the image and
 * writes one PartitionChangeRecord per accepted partition.
 *
 * Checks, in Kafka's order: the sender's broker epoch (STALE_BROKER_EPOCH for the whole request);
 * per topic UNKNOWN_TOPIC_ID; per partition UNKNOWN_TOPIC_OR_PARTITION, NOT_CONTROLLER for an epoch
 * ahead of ours (we are likely no longer the active controller), FENCED_LEADER_EPOCH, INVALID_REQUEST
 * when the sender is not the leader (Kafka's code, not NOT_LEADER_OR_FOLLOWER), INVALID_UPDATE_VERSION
 * for an old partition epoch, INVALID_REQUEST for an ISR with duplicates, non-replicas or without
 * the leader or a bad recovery state, INELIGIBLE_REPLICA for a member that is unregistered, fenced,
 * shutting down or (v3) of another broker epoch. The response carries the resulting leader, ISR
 * and epochs; NEW_LEADER_ELECTED when the change also moved leadership off the sender.
 */
import { ErrorCode } from '../protocol/generated/error-codes.js';
import type { AlterPartitionRequest, PartitionData as RequestPartition } from '../protocol/generated/messages/alter-partition-request.js';
import type { AlterPartitionResponse, PartitionData as ResponsePartition } from '../protocol/generated/messages/alter-partition-response.js';
import { isActiveBroker } from '../metadata/broker-image.js';
import type { MetadataImage, PartitionImage } from '../metadata/metadata-image.js';
import type { MetadataRecord } from '../metadata/metadata-record.js';
import type { ControllerResult } from './controller.js';
import { buildPartitionChange, partitionChangeRecord, RECOVERED, RECOVERING } from './partition-change.js';
import { changeTo, completionFor } from './partition-reassignments.js';
import type { PartitionChangeRecord } from '../protocol/generated/metadata/partition-change-record.js';

interface IsrMember {
  brokerId: number;
  /** -1: not checked (v2 carries no epochs). */
  brokerEpoch: bigint;
}

export function alterPartitionCommand(image: MetadataImage, req: AlterPartitionRequest, apiVersion: number, unclean: (topic: string) => boolean): ControllerResult<AlterPartitionResponse> {
  const sender = image.brokers.get(req.brokerId);
  if (sender === undefined || sender.epoch !== req.brokerEpoch) return { records: [], response: { throttleTimeMs: 0, errorCode: ErrorCode.STALE_BROKER_EPOCH, topics: [] } };
  const records: MetadataRecord[] = [];
  const topics = req.topics.map((t) => {
    const topic = image.topicsById.get(t.topicId);
    if (topic === undefined) return { topicId: t.topicId, partitions: t.partitions.map((p) => failed(p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_ID)) };
    const partitions = t.partitions.map((p): ResponsePartition => {
      const partition = topic.partitions.get(p.partitionIndex);
      const isr = requestedIsr(p, apiVersion);
      const error = partition === undefined ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : validate(image, req.brokerId, partition, p, isr);
      if (partition === undefined || error !== ErrorCode.NONE) return failed(p.partitionIndex, error);
      const isrChange = buildPartitionChange(topic.topicId, partition, {
        targetIsr: isr.map((m) => m.brokerId),
        isAcceptableLeader: (r) => isActiveBroker(image.brokers.get(r)),
        election: unclean(topic.name) ? 'unclean' : 'online',
        targetLeaderRecoveryState: p.leaderRecoveryState,
      });
      const change = withCompletion(image, topic.topicId, partition, isrChange);
      if (change === null) return answer(partition);
      records.push(partitionChangeRecord(change));
      const leaderChanges = change.leader !== undefined && change.leader !== -2;
      const merged = mergedImage(partition, change);
      // The leader may only change here if the ISR change had to move it; the sender must refetch metadata.
      if (leaderChanges && change.leader !== req.brokerId) return failed(p.partitionIndex, ErrorCode.NEW_LEADER_ELECTED);
      return answer(merged);
    });
    return { topicId: t.topicId, partitions };
  });
  return { records, response: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, topics } };
}

/**
 * Kafka completes a reassignment in the AlterPartition that brings its last target replica into
 * the ISR: the ISR change and the completion are one record (partition-reassignments.ts).
 */
function withCompletion(image: MetadataImage, topicId: string, partition: PartitionImage, isrChange: PartitionChangeRecord | null): PartitionChangeRecord | null {
  const afterIsr = isrChange === null ? partition : mergedImage(partition, isrChange);
  const done = completionFor(afterIsr, afterIsr.isr);
  if (done === null) return isrChange;
  const completion = changeTo(image, topicId, afterIsr, done);
  if (completion === null) return isrChange;
  const leader = completion.leader !== -2 ? completion.leader : (isrChange?.leader ?? -2);
  return { ...completion, leader, isr: completion.isr ?? isrChange?.isr ?? null, leaderRecoveryState: isrChange?.leaderRecoveryState ?? -1 };
}

/** The partition as the change record leaves it (the image's replay, for the response). */
function mergedImage(partition: PartitionImage, change: PartitionChangeRecord): PartitionImage {
  const leaderChanges = change.leader !== undefined && change.leader !== -2;
  return {
    ...partition,
    leader: leaderChanges ? (change.leader as number) : partition.leader,
    leaderEpoch: partition.leaderEpoch + (leaderChanges ? 1 : 0),
    isr: change.isr ?? partition.isr,
    replicas: change.replicas ?? partition.replicas,
    addingReplicas: change.addingReplicas ?? partition.addingReplicas,
    removingReplicas: change.removingReplicas ?? partition.removingReplicas,
    partitionEpoch: partition.partitionEpoch + 1,
    leaderRecoveryState: change.leaderRecoveryState !== undefined && change.leaderRecoveryState !== -1 ? change.leaderRecoveryState : partition.leaderRecoveryState,
  };
}

function requestedIsr(p: RequestPartition, apiVersion: number): IsrMember[] {
  if (apiVersion >= 3) return (p.newIsrWithEpochs ?? []).map((s) => ({ brokerId: s.brokerId ?? -1, brokerEpoch: s.brokerEpoch ?? -1n }));
  return (p.newIsr ?? []).map((brokerId) => ({ brokerId, brokerEpoch: -1n }));
}

function validate(image: MetadataImage, brokerId: number, partition: PartitionImage, p: RequestPartition, isr: readonly IsrMember[]): number {
  if (p.leaderEpoch > partition.leaderEpoch || p.partitionEpoch > partition.partitionEpoch) return ErrorCode.NOT_CONTROLLER;
  if (p.leaderEpoch < partition.leaderEpoch) return ErrorCode.FENCED_LEADER_EPOCH;
  if (brokerId !== partition.leader) return ErrorCode.INVALID_REQUEST;
  if (p.partitionEpoch < partition.partitionEpoch) return ErrorCode.INVALID_UPDATE_VERSION;
  const ids = isr.map((m) => m.brokerId);
  if (new Set(ids).size !== ids.length || ids.some((id) => !partition.replicas.includes(id))) return ErrorCode.INVALID_REQUEST;
  if (!ids.includes(partition.leader)) return ErrorCode.INVALID_REQUEST;
  if (p.leaderRecoveryState === RECOVERING && ids.length > 1) return ErrorCode.INVALID_REQUEST;
  if (partition.leaderRecoveryState === RECOVERED && p.leaderRecoveryState === RECOVERING) return ErrorCode.INVALID_REQUEST;
  const ineligible = isr.some((m) => {
    const b = image.brokers.get(m.brokerId);
    return !isActiveBroker(b) || (m.brokerEpoch !== -1n && b?.epoch !== m.brokerEpoch);
  });
  return ineligible ? ErrorCode.INELIGIBLE_REPLICA : ErrorCode.NONE;
}

function answer(p: PartitionImage): ResponsePartition {
  return { partitionIndex: p.partitionId, errorCode: ErrorCode.NONE, leaderId: p.leader, leaderEpoch: p.leaderEpoch, isr: [...p.isr], leaderRecoveryState: p.leaderRecoveryState, partitionEpoch: p.partitionEpoch };
}

/** As Kafka: a failed partition carries only its index and error, the other fields at their defaults. */
function failed(partitionIndex: number, errorCode: number): ResponsePartition {
  return { partitionIndex, errorCode, leaderId: 0, leaderEpoch: 0, isr: [], leaderRecoveryState: 0, partitionEpoch: 0 };
}
