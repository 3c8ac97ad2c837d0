/**
 * ElectLeaders as Kafka's controller runs it (ReplicationControlManager.electLeaders/electLeader):
 *
 * - PREFERRED: ELECTION_NOT_NEEDED when the first replica already leads; otherwise a preferred
 *   election (partition-change.ts), and PREFERRED_LEADER_NOT_AVAILABLE when it changes nothing
 *   (the preferred replica is out of the ISR or not active, and the current leader may stay).
 * - UNCLEAN: ELECTION_NOT_NEEDED when the partition has a leader; otherwise the first active ISR
 *   member, or failing that the first active replica outside the ISR (which becomes the ISR alone,
 *   its log RECOVERING), whatever the topic's unclean.leader.election.enable says;
 *   ELIGIBLE_LEADERS_NOT_AVAILABLE when no replica is active.
 *
 * Unknown topics and partitions get UNKNOWN_TOPIC_OR_PARTITION. Asked for every partition (null),
 * the answer leaves out those that needed no election, as Kafka's does.
 */
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { isActiveBroker } from '../metadata/broker-image.js';
import type { MetadataImage } from '../metadata/metadata-image.js';
import type { MetadataRecord } from '../metadata/metadata-record.js';
import type { ControllerResult } from './controller.js';
import { buildPartitionChange, NO_LEADER, partitionChangeRecord } from './partition-change.js';

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

/** Kafka's ElectionType: the request's int8 (0 PREFERRED, 1 UNCLEAN). */
export type ElectionType = 'preferred' | 'unclean';

export function electLeadersCommand(type: ElectionType, requested: readonly TopicPartitions[] | null) {
  return (image: MetadataImage): ControllerResult<ElectionOutcome[]> => {
    const records: MetadataRecord[] = [];
    const targets = requested ?? [...image.topicsByName.values()].map((t) => ({ topic: t.name, partitions: [...t.partitions.keys()] }));
    const outcomes: ElectionOutcome[] = [];
    for (const t of targets) {
      for (const partition of t.partitions) {
        const outcome = electLeader(image, type, t.topic, partition, records);
        if (requested !== null || outcome.errorCode !== ErrorCode.ELECTION_NOT_NEEDED) outcomes.push(outcome);
      }
    }
    return { records, response: outcomes };
  };
}

function electLeader(image: MetadataImage, type: ElectionType, topicName: string, partitionId: number, records: MetadataRecord[]): ElectionOutcome {
  const outcome = (errorCode: number, errorMessage: string | null = null): ElectionOutcome => ({ topic: topicName, partition: partitionId, errorCode, errorMessage });
  const topic = image.topicsByName.get(topicName);
  if (topic === undefined) return outcome(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `No such topic as ${topicName}`);
  const p = topic.partitions.get(partitionId);
  if (p === undefined) return outcome(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `No such partition as ${topicName}-${partitionId}`);
  const notNeeded = type === 'preferred' ? p.leader === p.replicas[0] : p.leader !== NO_LEADER;
  if (notNeeded) return outcome(ErrorCode.ELECTION_NOT_NEEDED, 'Leader election not needed for topic partition.');
  const change = buildPartitionChange(topic.topicId, p, { targetIsr: p.isr, isAcceptableLeader: (r) => isActiveBroker(image.brokers.get(r)), election: type });
  if (change === null) {
    return type === 'preferred'
      ? outcome(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, 'The preferred leader was not available.')
      : outcome(ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE, 'Eligible topic partition leaders are not available.');
  }
  records.push(partitionChangeRecord(change));
  return outcome(ErrorCode.NONE);
}
