/**
 * Where transaction markers go in a cluster (Kafka's TransactionMarkerChannelManager): each
 * (topic, partition) marker goes to that partition's current leader, looked up on every attempt.
 * This node leading it: the local writer (markers.ts). Another broker: a WriteTxnMarkers request
 * to it, markers asked for in the same turn of the event loop for one broker going in one request
 * (the transaction coordinator asks for all of a transaction's markers at once). No leader known,
 * or the broker unreachable: a retriable error, so the coordinator's retry loop (txn-coordinator.ts:
 * backoff through the Clock, until written or resigned) looks the leader up again.
 *
 * Invariants: a call resolves with exactly one error code (never rejects); a partition missing from
 * a broker's answer counts as UNKNOWN_SERVER_ERROR, which is retried like any unexpected code.
 */
import type { Logger } from '../../util/logger.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { WritableTxnMarker, WriteTxnMarkersRequest } from '../../protocol/generated/messages/write-txn-markers-request.js';
import type { WriteTxnMarkersResponse } from '../../protocol/generated/messages/write-txn-markers-response.js';
import type { MarkerWriter } from './txn-coordinator.js';

/** Sends one WriteTxnMarkers request to broker `brokerId`; rejects when it cannot be delivered or answered. */
export type SendWriteTxnMarkers = (brokerId: number, request: WriteTxnMarkersRequest) => Promise<WriteTxnMarkersResponse>;

export interface RoutedMarkerDeps {
  readonly localId: number;
  /** The partition's leader in the metadata image; -1 when it has none (or the partition is unknown). */
  leaderOf(topic: string, partition: number): number;
  /** Writes a marker to a partition this node leads. */
  readonly local: MarkerWriter;
  readonly send: SendWriteTxnMarkers;
  readonly logger: Logger;
}

interface Pending {
  readonly topic: string;
  readonly partition: number;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly commit: boolean;
  readonly coordinatorEpoch: number;
  readonly resolve: (errorCode: number) => void;
}

export function routedMarkerWriter(deps: RoutedMarkerDeps): MarkerWriter {
  /** Markers waiting for the end of this turn, per broker. */
  const queued = new Map<number, Pending[]>();
  const flush = (brokerId: number): void => {
    const batch = queued.get(brokerId) ?? [];
    queued.delete(brokerId);
    void sendBatch(deps, brokerId, batch);
  };
  return (topic, partition, producerId, producerEpoch, commit, coordinatorEpoch) => {
    const leader = deps.leaderOf(topic, partition);
    if (leader === deps.localId) return deps.local(topic, partition, producerId, producerEpoch, commit, coordinatorEpoch);
    // Kafka's unknown-broker queue: retried once metadata names a leader.
    if (leader < 0) return Promise.resolve(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    return new Promise<number>((resolve) => {
      let list = queued.get(leader);
      if (list === undefined) {
        queued.set(leader, (list = []));
        // After the current turn: the coordinator's other markers for this broker join the request.
        void Promise.resolve().then(() => flush(leader));
      }
      list.push({ topic, partition, producerId, producerEpoch, commit, coordinatorEpoch, resolve });
    });
  };
}

async function sendBatch(deps: RoutedMarkerDeps, brokerId: number, batch: readonly Pending[]): Promise<void> {
  if (batch.length === 0) return;
  const request = requestOf(batch);
  let response: WriteTxnMarkersResponse;
  try {
    response = await deps.send(brokerId, request);
  } catch (e) {
    deps.logger.warn(`WriteTxnMarkers to broker ${brokerId} failed (${batch.length} markers): ${e instanceof Error ? e.message : String(e)}; retrying`);
    for (const p of batch) p.resolve(ErrorCode.NETWORK_EXCEPTION);
    return;
  }
  // One producer id has one marker per request (Kafka's rule: a transaction is completed once).
  const codes = new Map<string, number>();
  for (const m of response.markers) for (const t of m.topics) for (const p of t.partitions) codes.set(slot(m.producerId, t.name, p.partitionIndex), p.errorCode);
  for (const p of batch) p.resolve(codes.get(slot(p.producerId, p.topic, p.partition)) ?? ErrorCode.UNKNOWN_SERVER_ERROR);
}

/** One WritableTxnMarker per (producer, epoch, result, coordinator epoch), its partitions by topic. */
function requestOf(batch: readonly Pending[]): WriteTxnMarkersRequest {
  const markers = new Map<string, WritableTxnMarker>();
  for (const p of batch) {
    const key = `${p.producerId}:${p.producerEpoch}:${p.commit}:${p.coordinatorEpoch}`;
    let m = markers.get(key);
    if (m === undefined) markers.set(key, (m = { producerId: p.producerId, producerEpoch: p.producerEpoch, transactionResult: p.commit, coordinatorEpoch: p.coordinatorEpoch, topics: [] }));
    let t = m.topics.find((x) => x.name === p.topic);
    if (t === undefined) m.topics.push((t = { name: p.topic, partitionIndexes: [] }));
    if (!t.partitionIndexes.includes(p.partition)) t.partitionIndexes.push(p.partition);
  }
  return { markers: [...markers.values()] };
}

function slot(producerId: bigint, topic: string, partition: number): string {
  return `${producerId}\0${topic}\0${partition}`;
}
