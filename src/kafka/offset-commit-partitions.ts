/**
 * What OffsetCommit and TxnOffsetCommit share: partitions of unknown topics are answered
 * UNKNOWN_TOPIC_OR_PARTITION without reaching the coordinator; the rest are committed in one call,
 * and the answer lists every partition in request order with its code.
 */
import { ErrorCode } from '../protocol/generated/error-codes.js';
import type { MetadataImage } from '../metadata/metadata-image.js';

export interface PartitionToCommit {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
  commitTimestampMs: number;
}

interface RequestTopic<P> {
  name: string;
  partitions: P[];
}

export async function commitKnownPartitions<P extends { partitionIndex: number }>(
  image: MetadataImage,
  topics: readonly RequestTopic<P>[],
  toCommit: (topic: string, p: P) => PartitionToCommit,
  commit: (partitions: PartitionToCommit[]) => Promise<number[]>,
): Promise<{ name: string; partitions: { partitionIndex: number; errorCode: number }[] }[]> {
  const key = (topic: string, partition: number): string => `${topic}\0${partition}`;
  const codes = new Map<string, number>();
  const known: PartitionToCommit[] = [];
  for (const t of topics) {
    const topic = image.topicsByName.get(t.name);
    for (const p of t.partitions) {
      if (topic === undefined || !topic.partitions.has(p.partitionIndex)) codes.set(key(t.name, p.partitionIndex), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      else known.push(toCommit(t.name, p));
    }
  }
  const results = await commit(known);
  known.forEach((k, i) => codes.set(key(k.topic, k.partition), results[i] ?? ErrorCode.UNKNOWN_SERVER_ERROR));
  return topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: codes.get(key(t.name, p.partitionIndex)) ?? ErrorCode.UNKNOWN_SERVER_ERROR })),
  }));
}
