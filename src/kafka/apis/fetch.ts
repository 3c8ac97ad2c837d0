/**
 * Fetch (key 1), v4-v17: whole record batches as a byte slice of the segment, with long polling.
 *
 * Versions: v4 isolation level, last stable offset, aborted transactions; v5 log start offset;
 * v7 fetch sessions (KIP-227; we decline them: session id 0, every fetch is a full fetch); v9
 * current leader epoch; v11 rack id / preferred read replica; v12 flexible, diverging epoch tags;
 * v13 topics by id; v15 replica state; v16 node endpoints; v17 replica directory id. v0-v3 are the
 * old message formats and are not served.
 *
 * Isolation (v4+): read_uncommitted reads up to the high watermark; read_committed only below the
 * last stable offset (the first offset of the earliest open transaction), and is told the aborted
 * transactions overlapping what it got (producer id + first offset), so the client drops their
 * records up to each abort marker.
 *
 * Semantics as Kafka's: partitions are read in request order within max_bytes, each within
 * partition_max_bytes; the first partition with data returns at least one whole batch even when
 * larger than the limits (KIP-74); the last batch may be cut (clients drop it). If fewer than
 * min_bytes are available the request parks until an append to one of its partitions brings
 * enough, or max_wait_ms passes: appends wake it, no timer loop polls.
 *
 * Fetch from follower (KIP-392, partition/consumer-fetch.ts): from v11 a consumer may read from
 * any replica hosted here, each bounded by its own HW or LSO; below v11 only from the leader
 * (NOT_LEADER_OR_FOLLOWER elsewhere). With replica.selector.class set, the leader answers a v11+
 * consumer whose rack_id (client.rack) matches an in-sync follower's broker.rack with that
 * preferred_read_replica and no records, and the fetch returns at once.
 *
 * From a follower replica (replica_id >= 0, v15+ in replica_state): the partition's leader reads
 * to the log end, not the HW, records the fetch offset as the follower's LEO (ISR and HW follow),
 * and answers a last_fetched_epoch that diverges from its log with diverging_epoch (v12+) instead
 * of records; a replica that is not the leader answers NOT_LEADER_OR_FOLLOWER; a parked replica
 * fetch wakes on log end moves. The logic is partition/replica-fetch.ts's. Replication throttles
 * (KIP-73): a partition throttled on this leader answers an out-of-sync replica no records while
 * the leader quota is exceeded, and the bytes of every throttled partition in the final response
 * are recorded into that quota (Kafka's KafkaApis.sizeOfThrottledPartitions).
 *
 * The metadata topic (`__cluster_metadata`, topic id 0...01) is the quorum's: such a fetch is a
 * voter replicating the metadata log, answered by the quorum (fetch-quorum.ts).
 *
 * Errors: per partition UNKNOWN_TOPIC_OR_PARTITION (3), UNKNOWN_TOPIC_ID (100),
 * NOT_LEADER_OR_FOLLOWER (6) for a partition the metadata knows but this broker does not host,
 * OFFSET_OUT_OF_RANGE (1), FENCED_LEADER_EPOCH (74), UNKNOWN_LEADER_EPOCH (75),
 * NOT_LEADER_OR_FOLLOWER (6) for a partition deleted while the fetch waited,
 * KAFKA_STORAGE_ERROR (56); top level FETCH_SESSION_ID_NOT_FOUND (70) for an incremental fetch.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { decodeFetchRequest, fetchRequestMeta, type FetchRequest } from '../../protocol/generated/messages/fetch-request.js';
import { encodeFetchResponse, type FetchResponse, type FetchableTopicResponse, type PartitionData } from '../../protocol/generated/messages/fetch-response.js';
import { ZERO_UUID } from '../../protocol/codec/uuid.js';
import type { Partition, PartitionRead } from '../../partition/partition.js';
import { delayFetch } from '../../partition/delayed-fetch.js';
import { fetchForConsumer, type ConsumerFetchResult } from '../../partition/consumer-fetch.js';
import type { ReplicaSelection } from '../../partition/replica-selector.js';
import { fetchForReplica, replicaFetchData, replicaFetchOf, replicaIdOf } from '../../partition/replica-fetch.js';
import { UNBOUNDED_QUOTA, type ReplicaQuota } from '../../partition/replication-quota.js';
import { isUnexpectedStorageError, storageErrorCode } from '../../partition/storage-error-codes.js';
import type { Logger } from '../../util/logger.js';
import { defineApi } from '../api.js';
import { remoteWait, type RequestContext } from '../context.js';
import { fetchesMetadataTopic, quorumFetch } from './fetch-quorum.js';

const TOPIC_IDS_VERSION = 13;
const NO_RECORDS = Buffer.alloc(0);
const READ_COMMITTED = 1;
/** Fetch v11 added rack_id and preferred_read_replica (KIP-392). */
const PREFERRED_REPLICA_VERSION = 11;

interface Target {
  topic: string;
  topicId: string;
  partitionIndex: number;
  partition: Partition | undefined;
  /** Set when the topic id is unknown (v13+). */
  unknownTopicId: boolean;
  /** The metadata knows the partition (a broker not hosting it answers NOT_LEADER_OR_FOLLOWER, as Kafka's). */
  knownPartition: boolean;
  fetchOffset: number;
  partitionMaxBytes: number;
  currentLeaderEpoch: number | undefined;
  readCommitted: boolean;
  /** Followers may serve it (v11+), and the leader's replica selection (null: none). */
  consumer: { fromAnyReplica: boolean; selection: ReplicaSelection | null };
  /** What a replica fetch asks beyond a consumer's (null for a consumer). */
  replica: { req: FetchRequest; partition: FetchRequest['topics'][number]['partitions'][number]; quota: ReplicaQuota } | null;
}

export const fetchApi = defineApi<FetchRequest, FetchResponse>({
  meta: fetchRequestMeta,
  minVersion: 4,
  maxVersion: 17,
  exclusive: false,
  decode: decodeFetchRequest,
  encode: encodeFetchResponse,
  async handle(req, ctx) {
    if ((req.sessionId ?? 0) !== 0) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] };
    }
    if (fetchesMetadataTopic(req, ctx.apiVersion)) return quorumFetch(req, ctx);
    const targets = resolveTargets(req, ctx);
    const maxBytes = req.maxBytes ?? 0x7fffffff;
    let result = await readAll(targets, maxBytes, ctx.broker.log);
    if (req.maxWaitMs > 0 && result.bytes < req.minBytes && !result.hasError) {
      result = await remoteWait(ctx, waitForData(targets, req, ctx, maxBytes, result));
    }
    if (replicaIdOf(req) >= 0) recordThrottledBytes(targets, result.partitions, ctx.broker.leaderReplicationQuota ?? UNBOUNDED_QUOTA);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: toResponses(targets, result.partitions, ctx.apiVersion) };
  },
});

function resolveTargets(req: FetchRequest, ctx: RequestContext): Target[] {
  const { image, replicas } = ctx.broker;
  const targets: Target[] = [];
  const consumer = { fromAnyReplica: ctx.apiVersion >= PREFERRED_REPLICA_VERSION, selection: replicaSelection(req, ctx) };
  for (const t of req.topics) {
    const byId = ctx.apiVersion >= TOPIC_IDS_VERSION;
    const topicImage = byId ? image.topicsById.get(t.topicId ?? ZERO_UUID) : image.topicsByName.get(t.topic ?? '');
    const topic = topicImage?.name ?? t.topic ?? '';
    for (const p of t.partitions) {
      targets.push({
        topic,
        topicId: topicImage?.topicId ?? t.topicId ?? ZERO_UUID,
        partitionIndex: p.partition,
        partition: topicImage === undefined ? undefined : replicas.get(topic, p.partition),
        unknownTopicId: byId && topicImage === undefined,
        knownPartition: topicImage?.partitions.has(p.partition) ?? false,
        fetchOffset: Number(p.fetchOffset),
        partitionMaxBytes: p.partitionMaxBytes,
        currentLeaderEpoch: p.currentLeaderEpoch,
        readCommitted: (req.isolationLevel ?? 0) === READ_COMMITTED,
        consumer,
        replica: replicaIdOf(req) >= 0 ? { req, partition: p, quota: ctx.broker.leaderReplicationQuota ?? UNBOUNDED_QUOTA } : null,
      });
    }
  }
  return targets;
}

/** The leader's replica selection for a v11+ consumer fetch, when replica.selector.class is set. */
function replicaSelection(req: FetchRequest, ctx: RequestContext): ReplicaSelection | null {
  const selector = ctx.broker.settings.replicaSelector ?? null;
  if (selector === null || ctx.apiVersion < PREFERRED_REPLICA_VERSION || replicaIdOf(req) >= 0) return null;
  const brokers = ctx.broker.image.brokers;
  return {
    selector,
    clientRack: req.rackId ?? '',
    nowMs: ctx.broker.clock.nowMs(),
    // Kafka offers only replicas with a live endpoint: registered and not fenced.
    brokers: (id) => {
      const b = brokers.get(id);
      return b === undefined || b.fenced ? undefined : { rack: b.rack };
    },
  };
}

interface ReadResult {
  partitions: PartitionData[];
  bytes: number;
  hasError: boolean;
}

async function readAll(targets: readonly Target[], maxBytes: number, log: Logger): Promise<ReadResult> {
  const partitions: PartitionData[] = [];
  let remaining = maxBytes;
  let bytes = 0;
  let hasError = false;
  // Sequential on purpose: each partition's budget depends on what the earlier ones returned.
  for (const t of targets) {
    const data = await readOne(t, Math.min(t.partitionMaxBytes, remaining), bytes === 0, log);
    // Kafka answers at once on an error, a diverging epoch or a preferred read replica.
    if (data.errorCode !== ErrorCode.NONE || (data.divergingEpoch?.epoch ?? -1) >= 0 || (data.preferredReadReplica ?? -1) >= 0) hasError = true;
    const n = data.records?.length ?? 0;
    bytes += n;
    remaining = Math.max(0, remaining - n);
    partitions.push(data);
  }
  return { partitions, bytes, hasError };
}

async function readOne(t: Target, maxBytes: number, minOneMessage: boolean, log: Logger): Promise<PartitionData> {
  const p = t.partition;
  if (p === undefined) return errorData(t.partitionIndex, t.unknownTopicId ? ErrorCode.UNKNOWN_TOPIC_ID : t.knownPartition ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (t.replica !== null) {
    try {
      return replicaFetchData(t.partitionIndex, await fetchForReplica(p, replicaFetchOf(t.replica.req, t.replica.partition, maxBytes, minOneMessage), t.replica.quota));
    } catch (e) {
      if (isUnexpectedStorageError(e)) log.error(`replica fetch from ${t.topic}-${t.partitionIndex} failed: ${e instanceof Error ? e.stack : String(e)}`);
      return errorData(t.partitionIndex, storageErrorCode(e));
    }
  }
  try {
    const fetched = await fetchForConsumer(p, { ...t.consumer, fetchOffset: t.fetchOffset, maxBytes, minOneMessage, readCommitted: t.readCommitted, currentLeaderEpoch: t.currentLeaderEpoch });
    return consumerData(t.partitionIndex, fetched);
  } catch (e) {
    if (isUnexpectedStorageError(e)) log.error(`fetch from ${t.topic}-${t.partitionIndex} failed: ${e instanceof Error ? e.stack : String(e)}`);
    return errorData(t.partitionIndex, storageErrorCode(e));
  }
}

/** Counts what a replica's fetch returns of partitions throttled on this leader into the leader quota. */
function recordThrottledBytes(targets: readonly Target[], partitions: readonly PartitionData[], quota: ReplicaQuota): void {
  let bytes = 0;
  targets.forEach((t, i) => {
    if (quota.isThrottled(t.topic, t.partitionIndex)) bytes += partitions[i]?.records?.length ?? 0;
  });
  if (bytes > 0) quota.record(bytes);
}

/** Parks until HW moves bring at least min_bytes, or max_wait_ms passes; then reads again. */
function waitForData(targets: readonly Target[], req: FetchRequest, ctx: RequestContext, maxBytes: number, first: ReadResult): Promise<ReadResult> {
  return delayFetch({
    partitions: targets.flatMap((t) => (t.partition === undefined ? [] : [t.partition])),
    maxWaitMs: req.maxWaitMs,
    clock: ctx.broker.clock,
    readAll: () => readAll(targets, maxBytes, ctx.broker.log),
    satisfied: (r) => r.bytes >= req.minBytes || r.hasError,
    fallback: first,
    wakeOn: replicaIdOf(req) >= 0 ? 'logEnd' : 'highWatermark',
  });
}

function consumerData(partitionIndex: number, r: ConsumerFetchResult): PartitionData {
  if (r.kind === 'error') return errorData(partitionIndex, r.errorCode);
  if (r.kind === 'preferredReplica') {
    const offsets = { highWatermark: BigInt(r.highWatermark), lastStableOffset: BigInt(r.lastStableOffset), logStartOffset: BigInt(r.logStartOffset) };
    return { partitionIndex, errorCode: ErrorCode.NONE, ...offsets, abortedTransactions: null, preferredReadReplica: r.replicaId, records: NO_RECORDS };
  }
  // Kafka answers an error with empty records (size 0), never null: librdkafka rejects a -1 size.
  if (r.read.kind === 'outOfRange') return partitionData(r.read, partitionIndex, ErrorCode.OFFSET_OUT_OF_RANGE, NO_RECORDS);
  return partitionData(r.read, partitionIndex, ErrorCode.NONE, r.read.records);
}

function partitionData(read: PartitionRead, partitionIndex: number, errorCode: number, records: Buffer | null): PartitionData {
  const aborted = read.kind === 'ok' ? read.abortedTransactions : null;
  return {
    partitionIndex,
    errorCode,
    highWatermark: BigInt(read.highWatermark),
    lastStableOffset: BigInt(read.lastStableOffset),
    logStartOffset: BigInt(read.logStartOffset),
    abortedTransactions: aborted === null ? null : aborted.map((a) => ({ producerId: a.producerId, firstOffset: BigInt(a.firstOffset) })),
    preferredReadReplica: -1,
    records,
  };
}

function errorData(partitionIndex: number, errorCode: number): PartitionData {
  return { partitionIndex, errorCode, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, abortedTransactions: null, preferredReadReplica: -1, records: NO_RECORDS };
}

/** Groups partition results back under their topics, in request order. */
function toResponses(targets: readonly Target[], partitions: readonly PartitionData[], version: number): FetchableTopicResponse[] {
  const out: FetchableTopicResponse[] = [];
  let current: FetchableTopicResponse | undefined;
  targets.forEach((t, i) => {
    const key = version >= TOPIC_IDS_VERSION ? t.topicId : t.topic;
    const currentKey = current === undefined ? undefined : version >= TOPIC_IDS_VERSION ? current.topicId : current.topic;
    if (current === undefined || currentKey !== key) {
      current = { topic: t.topic, topicId: t.topicId, partitions: [] };
      out.push(current);
    }
    current.partitions.push(partitions[i] as PartitionData);
  });
  return out;
}
