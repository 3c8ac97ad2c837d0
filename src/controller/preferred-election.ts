/**
 * ElectLeaders with election type PREFERRED, as Kafka's controller runs it
 * (ReplicationControlManager.electLeader): per partition, ELECTION_NOT_NEEDED when the first
 * replica already leads; otherwise a PREFERRED election (partition-change.ts), and
 * PREFERRED_LEADER_NOT_AVAILABLE when it changes nothing (the preferred replica is out of the ISR
 * or not active, and the current leader may stay). Asked for every partition (null), the answer
 * leaves out those that needed no election, as Kafka's does.
 */
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { isActiveBroker } from '../metadata/broker-image.js';
import type { MetadataImage } from '../metadata/metadata-image.js';
import type { MetadataRecord } from '../metadata/metadata-record.js';
import type { ControllerResult } from './controller.js';
import { buildPartitionChange, partitionChangeRecord } from './partition-change.js';

export interface TopicPartitions {
  topic: string;
  partitions: readonly number[];
}

export interface ElectionOutcome {
  topic: string;
  partition: number;
  errorCode: number;
  errorMessage: string | null;
}

export function electPreferredLeadersCommand(requested: readonly TopicPartitions[] | null) {
  return (image: MetadataImage): ControllerResult<ElectionOutcome[]> => {
    const records: MetadataRecord[] = [];
    const targets = requested ?? [...image.topicsByName.values()].map((t) => ({ topic: t.name, partitions: [...t.partitions.keys()] }));
    const outcomes: ElectionOutcome[] = [];
    for (const t of targets) {
      for (const partition of t.partitions) {
        const outcome = electPreferred(image, t.topic, partition, records);
        if (requested !== null || outcome.errorCode !== ErrorCode.ELECTION_NOT_NEEDED) outcomes.push(outcome);
      }
    }
    return { records, response: outcomes };
  };
}

function electPreferred(image: MetadataImage, topicName: string, partitionId: number, records: MetadataRecord[]): ElectionOutcome {
  const outcome = (errorCode: number, errorMessage: string | null = null): ElectionOutcome => ({ topic: topicName, partition: partitionId, errorCode, errorMessage });
  const topic = image.topicsByName.get(topicName);
  if (topic === undefined) return outcome(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `No such topic as ${topicName}`);
  const p = topic.partitions.get(partitionId);
  if (p === undefined) return outcome(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `No such partition as ${topicName}-${partitionId}`);
  if (p.leader === p.replicas[0]) return outcome(ErrorCode.ELECTION_NOT_NEEDED, 'Leader election not needed for topic partition.');
  const change = buildPartitionChange(topic.topicId, p, { targetIsr: p.isr, isAcceptableLeader: (r) => isActiveBroker(image.brokers.get(r)), election: 'preferred' });
  if (change === null) return outcome(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, 'The preferred leader was not available.');
  records.push(partitionChangeRecord(change));
  return outcome(ErrorCode.NONE);
}
