/**
 * A leader's answer to a follower replica's fetch of one partition (Kafka's Partition.fetchRecords
 * with a replica id): fenced or misdirected fetches are refused; a fetch whose last fetched epoch
 * does not end where the follower thinks (KIP-320/KIP-279) gets the diverging epoch and its end
 * offset instead of records, so the follower truncates; otherwise it reads to the log end and the
 * fetch offset becomes the follower's LEO (which may move the ISR and the HW).
 *
 * Replication throttles (KIP-73, replication-quota.ts): a replica not in the ISR fetching a
 * partition throttled on this leader while the leader quota is exceeded gets no records (its
 * fetch offset still counts as its LEO), as Kafka's ReplicaManager.readFromLog; the caller records
 * the throttled partitions' bytes once the whole response is assembled.
 *
 * Invariant: a fetch answered with a diverging epoch or an error does not update the follower's
 * state (its fetch offset is not a position in the leader's log).
 */
import { ErrorCode } from '../protocol/generated/error-codes.js';
import type { FetchPartition, FetchRequest } from '../protocol/generated/messages/fetch-request.js';
import type { PartitionData } from '../protocol/generated/messages/fetch-response.js';
import { leaderEpochError } from './leader-epoch-check.js';
import type { Partition, PartitionRead } from './partition.js';
import { UNBOUNDED_QUOTA, type ReplicaQuota } from './replication-quota.js';

export interface ReplicaFetch {
  readonly replicaId: number;
  readonly fetchOffset: number;
  /** The epoch of the follower's last batch (-1: not given, no divergence check). */
  readonly lastFetchedEpoch: number;
  readonly currentLeaderEpoch: number | undefined;
  /** The follower's log start offset (Kafka keeps it for DeleteRecords' low watermark). */
  readonly followerLogStartOffset: number;
  readonly maxBytes: number;
  readonly minOneMessage: boolean;
}

export type ReplicaFetchResult =
  | { kind: 'error'; errorCode: number }
  | { kind: 'diverging'; epoch: number; endOffset: number; highWatermark: number; lastStableOffset: number; logStartOffset: number }
  | { kind: 'read'; read: PartitionRead };

export async function fetchForReplica(p: Partition, f: ReplicaFetch, quota: ReplicaQuota = UNBOUNDED_QUOTA): Promise<ReplicaFetchResult> {
  const leadership = p.leadership;
  if (leadership === null) return { kind: 'error', errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER };
  const fenced = leaderEpochError(f.currentLeaderEpoch, p.leaderEpoch);
  if (fenced !== ErrorCode.NONE) return { kind: 'error', errorCode: fenced };
  if (leadership.follower(f.replicaId) === undefined) return { kind: 'error', errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER };
  // Taken before the read, as Kafka's: appends after it must not keep a follower from catching up.
  const leaderEndOffset = p.logEndOffset;
  const offsets = { highWatermark: p.highWatermark, lastStableOffset: p.lastStableOffset, logStartOffset: p.logStartOffset };
  if (f.lastFetchedEpoch >= 0) {
    const end = p.endOffsetForEpoch(f.lastFetchedEpoch);
    // Kafka answers OFFSET_OUT_OF_RANGE here, with the offsets the follower needs to recover.
    if (end.epoch < 0 || end.endOffset < 0 || f.fetchOffset < offsets.logStartOffset) return { kind: 'read', read: { kind: 'outOfRange', ...offsets } };
    if (end.epoch < f.lastFetchedEpoch || end.endOffset < f.fetchOffset) return { kind: 'diverging', epoch: end.epoch, endOffset: end.endOffset, ...offsets };
  }
  const throttled = shouldLeaderThrottle(p, f.replicaId, quota);
  // A throttled read still checks the offset's range; it reads nothing (Kafka reads, then drops it).
  const read = throttled ? withoutRecords(await p.read(f.fetchOffset, 0, false, 'logEnd')) : await p.read(f.fetchOffset, f.maxBytes, f.minOneMessage, 'logEnd');
  if (read.kind === 'ok' && p.leadership === leadership) leadership.onFollowerFetch(f.replicaId, f.fetchOffset, f.followerLogStartOffset, leaderEndOffset);
  return { kind: 'read', read };
}

const NO_RECORDS = Buffer.alloc(0);

/** Kafka's shouldLeaderThrottle: a replica out of the ISR, a throttled partition, the quota exceeded. */
export function shouldLeaderThrottle(p: Partition, replicaId: number, quota: ReplicaQuota): boolean {
  const inSync = p.leadership?.isr.includes(replicaId) ?? false;
  return !inSync && quota.isThrottled(p.topic, p.partitionId) && quota.isQuotaExceeded();
}

function withoutRecords(read: PartitionRead): PartitionRead {
  return read.kind === 'ok' ? { ...read, records: NO_RECORDS, abortedTransactions: null } : read;
}

/** The Fetch response's partition entry for a replica fetch's result (v12+ diverging_epoch). */
export function replicaFetchData(partitionIndex: number, r: ReplicaFetchResult): PartitionData {
  const base = { partitionIndex, preferredReadReplica: -1, abortedTransactions: null };
  if (r.kind === 'error') return { ...base, errorCode: r.errorCode, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, records: NO_RECORDS };
  if (r.kind === 'diverging') {
    return {
      ...base,
      errorCode: ErrorCode.NONE,
      highWatermark: BigInt(r.highWatermark),
      lastStableOffset: BigInt(r.lastStableOffset),
      logStartOffset: BigInt(r.logStartOffset),
      divergingEpoch: { epoch: r.epoch, endOffset: BigInt(r.endOffset) },
      records: NO_RECORDS,
    };
  }
  const read = r.read;
  return {
    ...base,
    errorCode: read.kind === 'ok' ? ErrorCode.NONE : ErrorCode.OFFSET_OUT_OF_RANGE,
    highWatermark: BigInt(read.highWatermark),
    lastStableOffset: BigInt(read.lastStableOffset),
    logStartOffset: BigInt(read.logStartOffset),
    records: read.kind === 'ok' ? read.records : NO_RECORDS,
  };
}

/** The replica fetch a Fetch request's partition entry asks for (v15+ replica_state, else replica_id). */
export function replicaFetchOf(req: FetchRequest, p: FetchPartition, maxBytes: number, minOneMessage: boolean): ReplicaFetch {
  return {
    replicaId: replicaIdOf(req),
    fetchOffset: Number(p.fetchOffset),
    lastFetchedEpoch: p.lastFetchedEpoch ?? -1,
    currentLeaderEpoch: p.currentLeaderEpoch,
    followerLogStartOffset: Number(p.logStartOffset ?? -1n),
    maxBytes,
    minOneMessage,
  };
}

/** The fetching replica's broker id, -1 for a consumer. */
export function replicaIdOf(req: FetchRequest): number {
  const fromState = req.replicaState?.replicaId ?? -1;
  return fromState >= 0 ? fromState : req.replicaId ?? -1;
}
