/**
 * ListOffsets (key 2), v0-v10: the earliest, latest, or first-at-or-after-a-timestamp offset of a
 * partition.
 *
 * Versions: v0 answers in old_style_offsets (max_num_offsets); v1 single offset + timestamp; v2
 * isolation level; v4 current leader epoch / leader epoch in the answer; v6 flexible; v7
 * MAX_TIMESTAMP (-3, KIP-734); v8 EARLIEST_LOCAL (-4, KIP-405); v9 LATEST_TIERED (-5); v10
 * timeout_ms.
 *
 * Special timestamps: -2 earliest (log start offset), -1 latest (high watermark, or the last
 * stable offset under read_committed), -3 the record with the largest timestamp, -4 as -2 (all
 * data is local), -5 nothing is tiered: offset -1. A timestamp >= 0: the first record whose
 * timestamp is >= it, or offset -1 if none. An answer at or past the last fetchable offset (the
 * HW, or the LSO under read_committed) is none, as Kafka's: a consumer could not fetch it yet.
 *
 * Errors per partition: UNKNOWN_TOPIC_OR_PARTITION (3), NOT_LEADER_OR_FOLLOWER (6) on a replica
 * that does not lead, FENCED_LEADER_EPOCH (74), UNKNOWN_LEADER_EPOCH (75), KAFKA_STORAGE_ERROR (56).
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { decodeListOffsetsRequest, listOffsetsRequestMeta, type ListOffsetsPartition, type ListOffsetsRequest } from '../../protocol/generated/messages/list-offsets-request.js';
import { encodeListOffsetsResponse, type ListOffsetsPartitionResponse, type ListOffsetsResponse } from '../../protocol/generated/messages/list-offsets-response.js';
import type { Partition } from '../../partition/partition.js';
import { leaderEpochError } from '../../partition/leader-epoch-check.js';
import { isUnexpectedStorageError, storageErrorCode } from '../../partition/storage-error-codes.js';
import { defineApi } from '../api.js';
import type { RequestContext } from '../context.js';

const LATEST = -1n;
const EARLIEST = -2n;
const MAX_TIMESTAMP = -3n;
const EARLIEST_LOCAL = -4n;
const LATEST_TIERED = -5n;
const READ_COMMITTED = 1;

export const listOffsetsApi = defineApi<ListOffsetsRequest, ListOffsetsResponse>({
  meta: listOffsetsRequestMeta,
  minVersion: 0,
  maxVersion: 10,
  exclusive: false,
  decode: decodeListOffsetsRequest,
  encode: encodeListOffsetsResponse,
  async handle(req, ctx) {
    const topics = await Promise.all(
      req.topics.map(async (t) => ({
        name: t.name,
        partitions: await Promise.all(t.partitions.map((p) => listOne(t.name, p, req, ctx))),
      })),
    );
    return { throttleTimeMs: 0, topics };
  },
});

async function listOne(topic: string, p: ListOffsetsPartition, req: ListOffsetsRequest, ctx: RequestContext): Promise<ListOffsetsPartitionResponse> {
  const partition = ctx.broker.replicas.get(topic, p.partitionIndex);
  if (partition === undefined) return answer(p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1, -1, -1, ctx.apiVersion);
  const epochError = leaderEpochError(p.currentLeaderEpoch, partition.leaderEpoch);
  if (epochError !== ErrorCode.NONE) return answer(p.partitionIndex, epochError, -1, -1, -1, ctx.apiVersion);
  if (!partition.isLeader) return answer(p.partitionIndex, ErrorCode.NOT_LEADER_OR_FOLLOWER, -1, -1, -1, ctx.apiVersion);
  try {
    const found = await lookup(partition, p.timestamp, req.isolationLevel ?? 0);
    return answer(p.partitionIndex, ErrorCode.NONE, found.timestamp, found.offset, found.offset >= 0 ? partition.leaderEpoch : -1, ctx.apiVersion);
  } catch (e) {
    if (isUnexpectedStorageError(e)) ctx.broker.log.error(`ListOffsets on ${topic}-${p.partitionIndex} failed: ${e instanceof Error ? e.stack : String(e)}`);
    return answer(p.partitionIndex, storageErrorCode(e), -1, -1, -1, ctx.apiVersion);
  }
}

async function lookup(partition: Partition, timestamp: bigint, isolationLevel: number): Promise<{ offset: number; timestamp: number }> {
  const readCommitted = isolationLevel === READ_COMMITTED;
  switch (timestamp) {
    case LATEST:
      return { offset: partition.lastFetchableOffset(readCommitted), timestamp: -1 };
    case EARLIEST:
    case EARLIEST_LOCAL:
      return { offset: partition.logStartOffset, timestamp: -1 };
    case MAX_TIMESTAMP:
      return partition.maxTimestampOffset(readCommitted);
    case LATEST_TIERED:
      return { offset: -1, timestamp: -1 };
  }
  return partition.offsetForTimestamp(Number(timestamp), readCommitted);
}

function answer(partitionIndex: number, errorCode: number, timestamp: number, offset: number, leaderEpoch: number, version: number): ListOffsetsPartitionResponse {
  return {
    partitionIndex,
    errorCode,
    oldStyleOffsets: version === 0 && offset >= 0 ? [BigInt(offset)] : [],
    timestamp: BigInt(timestamp),
    offset: BigInt(offset),
    leaderEpoch,
  };
}
