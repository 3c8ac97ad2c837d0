/**
 * Topic lifecycle commands for the controller: create, delete, add partitions. Each validates
 * against the current image and returns the metadata records that make the change plus a
 * per-topic outcome with Kafka's error code; nothing here mutates state.
 */
import { ErrorCode } from '../protocol/generated/error-codes.js';
import type { MetadataImage, TopicImage } from '../metadata/metadata-image.js';
import { ConfigResourceType } from '../metadata/metadata-image.js';
import type { MetadataRecord } from '../metadata/metadata-record.js';
import type { ControllerResult } from './controller.js';
import { collisionKey, isInternalTopic, topicNameProblem } from './topic-names.js';
import { placeReplicas } from './replica-placement.js';

export interface TopicDefaults {
  numPartitions: number;
  replicationFactor: number;
  /** Nodes that can host replicas and lead them (registered, unfenced brokers not shutting down). */
  brokerIds: readonly number[];
  /**
   * Registered brokers that are fenced (not shutting down): as Kafka's StripedReplicaPlacer, a
   * placement that needs more brokers than are unfenced puts the remaining replicas on these; they
   * start outside the ISR and join it once they are back.
   */
  fencedBrokerIds?: readonly number[];
  /** The brokers' racks (null: none); when any is set, placement spreads replicas over racks. */
  racks?: ReadonlyMap<number, string | null>;
  /** null if the topic config is acceptable, otherwise a message naming key and value. */
  validateConfig(name: string, value: string | null): string | null;
  newTopicId(): string;
}

export interface CreateTopicSpec {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: readonly { partitionIndex: number; brokerIds: readonly number[] }[];
  configs: readonly { name: string; value: string | null }[];
}

export interface TopicOutcome {
  name: string;
  topicId: string | null;
  errorCode: number;
  errorMessage: string | null;
  numPartitions: number;
  replicationFactor: number;
}

class TopicError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * As Kafka's controller answers CreateTopics: a name given twice gets one INVALID_REQUEST result,
 * after the others, and is not created; names are checked for '.'/'_' collisions against the
 * topics that existed before the request (two colliding names in one request are both created,
 * as Apache Kafka 4.3.1 does).
 */
export function createTopicsCommand(specs: readonly CreateTopicSpec[], validateOnly: boolean, d: TopicDefaults) {
  return (image: MetadataImage): ControllerResult<TopicOutcome[]> => {
    const records: MetadataRecord[] = [];
    const existing = new Map([...image.topicsByName.keys()].map((n) => [collisionKey(n), n]));
    const counts = new Map<string, number>();
    for (const s of specs) counts.set(s.name, (counts.get(s.name) ?? 0) + 1);
    const response: TopicOutcome[] = specs.filter((s) => counts.get(s.name) === 1).map((spec) => {
      try {
        const planned = planTopic(spec, image, existing, d);
        if (!validateOnly) records.push(...planned.records);
        return { name: spec.name, topicId: validateOnly ? null : planned.topicId, errorCode: ErrorCode.NONE, errorMessage: null, numPartitions: planned.numPartitions, replicationFactor: planned.replicationFactor };
      } catch (e) {
        if (!(e instanceof TopicError)) throw e;
        return failedTopic(spec.name, e.code, e.message);
      }
    });
    for (const [name, n] of counts) if (n > 1) response.push(failedTopic(name, ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'));
    return { records, response };
  };
}

function failedTopic(name: string, errorCode: number, errorMessage: string): TopicOutcome {
  return { name, topicId: null, errorCode, errorMessage, numPartitions: -1, replicationFactor: -1 };
}

function planTopic(spec: CreateTopicSpec, image: MetadataImage, existing: ReadonlyMap<string, string>, d: TopicDefaults) {
  const problem = topicNameProblem(spec.name);
  if (problem !== null) throw new TopicError(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
  if (image.topicsByName.has(spec.name)) throw new TopicError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${spec.name}' already exists.`);
  const colliding = existing.get(collisionKey(spec.name));
  if (colliding !== undefined) {
    throw new TopicError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${spec.name}' collides with existing topic: ${colliding}`);
  }
  for (const c of spec.configs) {
    const bad = d.validateConfig(c.name, c.value);
    if (bad !== null) throw new TopicError(ErrorCode.INVALID_CONFIG, bad);
  }
  const replicaLists = spec.assignments.length > 0 ? manualAssignment(spec) : autoAssignment(spec, d, 0);
  const topicId = d.newTopicId();
  const records: MetadataRecord[] = [{ type: 'topic', version: 0, data: { name: spec.name, topicId } }];
  for (const c of spec.configs) {
    if (c.value === null) continue;
    records.push({ type: 'config', version: 0, data: { resourceType: ConfigResourceType.Topic, resourceName: spec.name, name: c.name, value: c.value } });
  }
  replicaLists.forEach((replicas, partitionId) => records.push(partitionRecord(topicId, partitionId, replicas, d.brokerIds)));
  return { topicId, records, numPartitions: replicaLists.length, replicationFactor: replicaLists[0]?.length ?? 0 };
}

function manualAssignment(spec: CreateTopicSpec): number[][] {
  if (spec.numPartitions !== -1 || spec.replicationFactor !== -1) {
    throw new TopicError(ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
  }
  const sorted = [...spec.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex);
  sorted.forEach((a, i) => {
    if (a.partitionIndex !== i) throw new TopicError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Partitions should be a consecutive 0-based integer sequence');
  });
  return sorted.map((a) => [...a.brokerIds]);
}

/** Replica placement (replica-placement.ts): round robin, or striped over racks when brokers have them. */
function autoAssignment(spec: { numPartitions: number; replicationFactor: number }, d: TopicDefaults, firstPartition: number): number[][] {
  const numPartitions = spec.numPartitions === -1 ? d.numPartitions : spec.numPartitions;
  const rf = spec.replicationFactor === -1 ? d.replicationFactor : spec.replicationFactor;
  if (numPartitions <= 0) throw new TopicError(ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.');
  if (rf <= 0) throw new TopicError(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0, or -1 to use the default value.');
  const fenced = d.fencedBrokerIds ?? [];
  if (d.brokerIds.length === 0) throw new TopicError(ErrorCode.INVALID_REPLICATION_FACTOR, `Unable to replicate the partition ${rf} time(s): All brokers are currently fenced.`);
  const registered = d.brokerIds.length + fenced.length;
  if (rf > registered) {
    throw new TopicError(ErrorCode.INVALID_REPLICATION_FACTOR, `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only ${registered} broker(s) are registered.`);
  }
  // Unfenced brokers first (the first replica leads); fenced ones only for what is left.
  const lists = placeReplicas(numPartitions, Math.min(rf, d.brokerIds.length), d.brokerIds, firstPartition, d.racks);
  return lists.map((replicas, i) => {
    for (let k = 0; replicas.length < rf; k++) replicas.push(fenced[(firstPartition + i + k) % fenced.length] as number);
    return replicas;
  });
}

/** A new partition: in sync are its replicas on active brokers, the first of them leads (Kafka's createTopic). */
function partitionRecord(topicId: string, partitionId: number, replicas: number[], active: readonly number[]): MetadataRecord {
  const isr = replicas.filter((b) => active.includes(b));
  if (isr.length === 0) throw new TopicError(ErrorCode.INVALID_REPLICATION_FACTOR, `Unable to replicate the partition ${replicas.length} time(s): All brokers are currently fenced or in controlled shutdown.`);
  return {
    type: 'partition',
    version: 0,
    data: { partitionId, topicId, replicas, isr, removingReplicas: [], addingReplicas: [], leader: isr[0] as number, leaderRecoveryState: 0, leaderEpoch: 0, partitionEpoch: 0 },
  };
}

export interface DeleteTopicSpec {
  name: string | null;
  topicId: string | null;
}

export interface DeleteOutcome {
  name: string | null;
  topicId: string | null;
  errorCode: number;
  errorMessage: string | null;
}

export function deleteTopicsCommand(specs: readonly DeleteTopicSpec[], deletionEnabled: boolean) {
  return (image: MetadataImage): ControllerResult<DeleteOutcome[]> => {
    const records: MetadataRecord[] = [];
    const removed = new Set<string>();
    const response = specs.map((spec): DeleteOutcome => {
      const topic: TopicImage | undefined = spec.name !== null ? image.topicsByName.get(spec.name) : image.topicsById.get(spec.topicId ?? '');
      if (!deletionEnabled) return { ...spec, errorCode: ErrorCode.TOPIC_DELETION_DISABLED, errorMessage: 'Topic deletion is disabled (delete.topic.enable=false).' };
      if (topic === undefined) {
        return spec.name !== null
          ? { ...spec, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'This server does not host this topic-partition.' }
          : { ...spec, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: 'This server does not host this topic ID.' };
      }
      if (isInternalTopic(topic.name)) return { name: topic.name, topicId: topic.topicId, errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: `Topic ${topic.name} is an internal topic and cannot be deleted.` };
      if (!removed.has(topic.topicId)) {
        records.push({ type: 'removeTopic', version: 0, data: { topicId: topic.topicId } });
        removed.add(topic.topicId);
      }
      return { name: topic.name, topicId: topic.topicId, errorCode: ErrorCode.NONE, errorMessage: null };
    });
    return { records, response };
  };
}

export interface CreatePartitionsSpec {
  name: string;
  count: number;
  assignments: readonly (readonly number[])[] | null;
}

export function createPartitionsCommand(specs: readonly CreatePartitionsSpec[], validateOnly: boolean, d: TopicDefaults) {
  return (image: MetadataImage): ControllerResult<{ name: string; errorCode: number; errorMessage: string | null }[]> => {
    const records: MetadataRecord[] = [];
    const response = specs.map((spec) => {
      try {
        const planned = planPartitions(spec, image, d);
        if (!validateOnly) records.push(...planned);
        return { name: spec.name, errorCode: ErrorCode.NONE, errorMessage: null };
      } catch (e) {
        if (!(e instanceof TopicError)) throw e;
        return { name: spec.name, errorCode: e.code, errorMessage: e.message };
      }
    });
    return { records, response };
  };
}

function planPartitions(spec: CreatePartitionsSpec, image: MetadataImage, d: TopicDefaults): MetadataRecord[] {
  const topic = image.topicsByName.get(spec.name);
  if (topic === undefined) throw new TopicError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${spec.name}' does not exist.`);
  const current = topic.partitions.size;
  if (spec.count < current) throw new TopicError(ErrorCode.INVALID_PARTITIONS, `The topic ${spec.name} currently has ${current} partition(s); ${spec.count} would not be an increase.`);
  if (spec.count === current) throw new TopicError(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partition(s).`);
  const rf = topic.partitions.get(0)?.replicas.length ?? 1;
  const added = spec.count - current;
  let lists: number[][];
  if (spec.assignments !== null) {
    if (spec.assignments.length !== added) throw new TopicError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Attempted to add ${added} additional partition(s), but only ${spec.assignments.length} assignment(s) were specified.`);
    lists = spec.assignments.map((a) => {
      if (a.some((b) => !d.brokerIds.includes(b))) throw new TopicError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes a broker that is not registered: ${a.join(',')}`);
      return [...a];
    });
  } else {
    lists = autoAssignment({ numPartitions: added, replicationFactor: rf }, d, current);
  }
  return lists.map((replicas, i) => partitionRecord(topic.topicId, current + i, replicas, d.brokerIds));
}
