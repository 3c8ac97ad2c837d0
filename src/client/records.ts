/**
 * Records in and out of a cluster without a consumer group: ListOffsets (earliest, latest, by
 * timestamp), Produce of record batches built with protocol/records, and Fetch decoded back into
 * records. Each request goes to the partition's leader (KafkaCluster.leaders).
 *
 * Fetch is used up to v12 (topics by name; v13+ name them by id); Produce up to v11.
 */
import { decodeFetchResponse } from '../protocol/generated/messages/fetch-response.js';
import { encodeFetchRequest, fetchRequestMeta } from '../protocol/generated/messages/fetch-request.js';
import { decodeListOffsetsResponse } from '../protocol/generated/messages/list-offsets-response.js';
import { encodeListOffsetsRequest, listOffsetsRequestMeta } from '../protocol/generated/messages/list-offsets-request.js';
import { decodeProduceResponse } from '../protocol/generated/messages/produce-response.js';
import { encodeProduceRequest, produceRequestMeta } from '../protocol/generated/messages/produce-request.js';
import { buildRecordBatch, type RecordInput } from '../protocol/records/record-batch-builder.js';
import { batchPositions, decodeRecordBatch, recordTimestamp } from '../protocol/records/record-batch-reader.js';
import type { CompressionType } from '../protocol/records/batch-header.js';
import { apiCall, type KafkaCluster } from './cluster.js';
import { check } from './kafka-error.js';

/** ListOffsets' special timestamps. */
export const EARLIEST = -2n;
export const LATEST = -1n;

/**
 * Offsets of `partitions` of `topic` for `timestamp` (EARLIEST, LATEST, or ms: the first offset
 * whose timestamp is at least it; the log end offset when there is none, as Kafka's tools do).
 */
export async function listOffsets(cluster: KafkaCluster, topic: string, partitions: readonly number[] | null, timestamp: bigint, isolationLevel = 0): Promise<Map<number, number>> {
  const leaders = await cluster.leaders(topic);
  const byLeader = new Map<number, number[]>();
  for (const p of partitions ?? [...leaders.keys()]) {
    const leader = leaders.get(p);
    if (leader === undefined) check(`topic ${topic} partition ${p}`, 3);
    byLeader.set(leader ?? -1, [...(byLeader.get(leader ?? -1) ?? []), p]);
  }
  const out = new Map<number, number>();
  const missing: number[] = [];
  for (const [leader, ps] of byLeader) {
    const conn = await cluster.broker(leader);
    const resp = await conn.send(apiCall(listOffsetsRequestMeta, encodeListOffsetsRequest, decodeListOffsetsResponse, {
      replicaId: -1, isolationLevel,
      topics: [{ name: topic, partitions: ps.map((p) => ({ partitionIndex: p, currentLeaderEpoch: -1, timestamp })) }],
    }, { min: 1, max: 7 }));
    for (const p of resp.topics.find((t) => t.name === topic)?.partitions ?? []) {
      check(`topic ${topic} partition ${p.partitionIndex}`, p.errorCode);
      const offset = Number(p.offset ?? -1n);
      if (offset < 0) missing.push(p.partitionIndex);
      else out.set(p.partitionIndex, offset);
    }
  }
  if (missing.length > 0) {
    for (const [p, o] of await listOffsets(cluster, topic, missing, LATEST, isolationLevel)) out.set(p, o);
  }
  return out;
}

export interface ProduceOptions {
  readonly acks: number;
  readonly compression: CompressionType;
  readonly timeoutMs?: number;
}

/** Appends `records` to one partition as one batch; resolves to its base offset (-1 with acks=0). */
export async function produceBatch(cluster: KafkaCluster, topic: string, partition: number, leader: number, records: readonly RecordInput[], o: ProduceOptions): Promise<number> {
  const batch = await buildRecordBatch({ baseOffset: 0, records, compression: o.compression });
  const conn = await cluster.broker(leader);
  const call = apiCall(produceRequestMeta, encodeProduceRequest, decodeProduceResponse, {
    transactionalId: null, acks: o.acks, timeoutMs: o.timeoutMs ?? 30_000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }],
  }, { min: 3, max: 11 });
  if (o.acks === 0) {
    await conn.sendWithoutResponse(call);
    return -1;
  }
  const resp = await conn.send(call);
  const p = resp.responses[0]?.partitionResponses[0];
  check(`topic ${topic} partition ${partition}`, p === undefined ? -1 : p.errorCode, p?.errorMessage);
  return Number(p?.baseOffset ?? -1n);
}

export interface FetchedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly { readonly key: string; readonly value: Buffer | null }[];
}

export interface FetchResult {
  readonly records: FetchedRecord[];
  /** The offset to fetch next (past control batches and aborted data too). */
  readonly nextOffset: number;
  readonly highWatermark: number;
}

/**
 * One Fetch of one partition from its leader, waiting up to `maxWaitMs` for data. Control batches
 * are skipped; with read_committed (isolationLevel 1) aborted transactions' records are dropped.
 */
export async function fetchPartition(cluster: KafkaCluster, topic: string, partition: number, leader: number, offset: number, o: { maxWaitMs: number; isolationLevel: number; maxBytes?: number }): Promise<FetchResult> {
  const conn = await cluster.broker(leader);
  const resp = await conn.send(apiCall(fetchRequestMeta, encodeFetchRequest, decodeFetchResponse, {
    replicaId: -1, maxWaitMs: o.maxWaitMs, minBytes: 1, maxBytes: o.maxBytes ?? 8 << 20, isolationLevel: o.isolationLevel,
    sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: BigInt(offset), logStartOffset: -1n, partitionMaxBytes: o.maxBytes ?? 8 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  }, { min: 4, max: 12 }), undefined, o.maxWaitMs + conn.timeoutMs);
  check(`topic ${topic}`, resp.errorCode ?? 0);
  const p = resp.responses[0]?.partitions[0];
  check(`topic ${topic} partition ${partition}`, p === undefined ? -1 : p.errorCode);
  // Kafka's consumer algorithm: an aborted transaction applies from its first offset; a producer is
  // "in abort" from there until its next control batch (the ABORT marker).
  const pendingAborts = [...(p?.abortedTransactions ?? [])]
    .map((a) => ({ producerId: a.producerId ?? -1n, firstOffset: Number(a.firstOffset ?? 0n) }))
    .sort((a, b) => a.firstOffset - b.firstOffset);
  const inAbort = new Set<bigint>();
  const buf = p?.records ?? Buffer.alloc(0);
  const records: FetchedRecord[] = [];
  let next = offset;
  for (const pos of batchPositions(buf)) {
    const { header, records: rs } = await decodeRecordBatch(buf, pos);
    const last = header.baseOffset + header.lastOffsetDelta;
    while (pendingAborts.length > 0 && (pendingAborts[0]?.firstOffset ?? Infinity) <= last) inAbort.add(pendingAborts.shift()?.producerId ?? -1n);
    if (last < offset) continue;
    next = Math.max(next, last + 1);
    if (header.isControl) {
      inAbort.delete(header.producerId);
      continue;
    }
    if (header.isTransactional && inAbort.has(header.producerId)) continue;
    for (const r of rs) {
      const off = header.baseOffset + r.offsetDelta;
      if (off < offset) continue;
      records.push({ topic, partition, offset: off, timestamp: recordTimestamp(header, r), key: r.key, value: r.value, headers: r.headers.map((h) => ({ key: h.key, value: h.value })) });
    }
  }
  return { records, nextOffset: next, highWatermark: Number(p?.highWatermark ?? -1n) };
}
