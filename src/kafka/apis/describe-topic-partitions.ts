/**
 * DescribeTopicPartitions (key 75), v0 (KIP-966): topics and their partitions in pages, the way
 * Kafka 4's Java admin client describes topics. Topics come sorted by name; a page holds at most
 * response_partition_limit partitions (capped by max.request.partition.size.limit); next_cursor
 * names the topic and partition the next page starts at, as Kafka's KRaftMetadataCache does.
 *
 * An empty topic list describes every topic from the cursor on; listed topics that do not exist
 * get UNKNOWN_TOPIC_OR_PARTITION (INVALID_TOPIC_EXCEPTION for an illegal name). Eligible leader
 * replicas are empty lists (no ELR here); topic_authorized_operations are every topic operation,
 * as Kafka answers without an authorizer.
 *
 * Errors: INVALID_REQUEST (42) on every listed topic when the cursor's topic is not in the list or
 * its partition is negative.
 */
import { ZERO_UUID } from '../../protocol/codec/uuid.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import {
  decodeDescribeTopicPartitionsRequest,
  describeTopicPartitionsRequestMeta,
  type DescribeTopicPartitionsRequest,
} from '../../protocol/generated/messages/describe-topic-partitions-request.js';
import {
  encodeDescribeTopicPartitionsResponse,
  type DescribeTopicPartitionsResponse,
  type DescribeTopicPartitionsResponsePartition,
  type DescribeTopicPartitionsResponseTopic,
} from '../../protocol/generated/messages/describe-topic-partitions-response.js';
import { isInternalTopic, topicNameProblem } from '../../controller/topic-names.js';
import type { TopicImage } from '../../metadata/metadata-image.js';
import { defineApi } from '../api.js';

/** READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS as a bit field. */
const ALL_TOPIC_OPERATIONS = [3, 4, 5, 6, 7, 8, 10, 11].reduce((bits, op) => bits | (1 << op), 0);
/** What Kafka answers for an invalid request: no operations computed. */
const OPERATIONS_OMITTED = -2147483648;
/** Kafka's max.request.partition.size.limit default. */
const MAX_PARTITIONS_PER_RESPONSE = 2000;

export const describeTopicPartitionsApi = defineApi<DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse>({
  meta: describeTopicPartitionsRequestMeta,
  minVersion: 0,
  maxVersion: 0,
  exclusive: false,
  decode: decodeDescribeTopicPartitionsRequest,
  encode: encodeDescribeTopicPartitionsResponse,
  handle(req, ctx) {
    const image = ctx.broker.image;
    const all = req.topics.length === 0;
    const cursor = req.cursor;
    const from = cursor?.topicName ?? '';
    const names = (all ? [...image.topicsByName.keys()] : req.topics.map((t) => t.name)).filter((n) => n >= from);
    if (cursor !== null && (cursor.partitionIndex < 0 || (!all && !names.includes(cursor.topicName)))) {
      return { throttleTimeMs: 0, topics: req.topics.map((t) => ({ ...errorTopic(t.name, ErrorCode.INVALID_REQUEST), topicAuthorizedOperations: OPERATIONS_OMITTED })), nextCursor: null };
    }
    const limit = Math.max(Math.min(MAX_PARTITIONS_PER_RESPONSE, req.responsePartitionLimit), 1);
    const startOf = (name: string): number => (cursor !== null && name === cursor.topicName ? cursor.partitionIndex : 0);
    return { throttleTimeMs: 0, ...page([...new Set(names)].sort(), (n) => image.topicsByName.get(n), startOf, limit, all) };
  },
});

/** Fills one page: whole topics while they fit, then part of one and a cursor to the rest. */
function page(
  names: readonly string[], lookup: (name: string) => TopicImage | undefined, startOf: (name: string) => number, limit: number, all: boolean,
): Pick<DescribeTopicPartitionsResponse, 'topics' | 'nextCursor'> {
  const topics: DescribeTopicPartitionsResponseTopic[] = [];
  let remaining = limit;
  for (const name of names) {
    if (remaining === 0) return { topics, nextCursor: { topicName: name, partitionIndex: 0 } };
    const topic = lookup(name);
    if (topic === undefined) {
      if (!all) topics.push(errorTopic(name, topicNameProblem(name) === null ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.INVALID_TOPIC_EXCEPTION));
      continue;
    }
    const ids = [...topic.partitions.keys()].sort((a, b) => a - b).filter((id) => id >= startOf(name));
    const taken = ids.slice(0, remaining);
    topics.push({
      errorCode: ErrorCode.NONE, name, topicId: topic.topicId, isInternal: isInternalTopic(name),
      partitions: taken.map((id) => describePartition(topic, id)), topicAuthorizedOperations: ALL_TOPIC_OPERATIONS,
    });
    const next = ids[taken.length];
    if (next !== undefined) return { topics, nextCursor: { topicName: name, partitionIndex: next } };
    remaining -= taken.length;
  }
  return { topics, nextCursor: null };
}

function describePartition(topic: TopicImage, id: number): DescribeTopicPartitionsResponsePartition {
  const p = topic.partitions.get(id);
  if (p === undefined) throw new Error(`partition ${id} of ${topic.name} vanished from the image`);
  return {
    errorCode: ErrorCode.NONE, partitionIndex: id, leaderId: p.leader, leaderEpoch: p.leaderEpoch,
    replicaNodes: p.replicas, isrNodes: p.isr, eligibleLeaderReplicas: [], lastKnownElr: [], offlineReplicas: [],
  };
}

function errorTopic(name: string, errorCode: number): DescribeTopicPartitionsResponseTopic {
  return { errorCode, name, topicId: ZERO_UUID, isInternal: isInternalTopic(name), partitions: [], topicAuthorizedOperations: ALL_TOPIC_OPERATIONS };
}
