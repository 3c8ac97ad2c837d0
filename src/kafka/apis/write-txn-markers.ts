/**
 * WriteTxnMarkers (key 27), v0-v1: a transaction coordinator asks a partition leader to write
 * COMMIT/ABORT control batches for producers' transactions. Tributary's own coordinator writes
 * markers directly (single node: every leader is local); this API serves another coordinator or a
 * tool, through the same path.
 *
 * Versions: v1 flexible.
 *
 * Errors per partition: UNKNOWN_TOPIC_OR_PARTITION (3), NOT_LEADER_OR_FOLLOWER (6),
 * INVALID_PRODUCER_EPOCH (47) for a marker older than the producer's epoch,
 * TRANSACTION_COORDINATOR_FENCED (52) for an older coordinator epoch, KAFKA_STORAGE_ERROR (56).
 */
import { decodeWriteTxnMarkersRequest, writeTxnMarkersRequestMeta, type WriteTxnMarkersRequest } from '../../protocol/generated/messages/write-txn-markers-request.js';
import { encodeWriteTxnMarkersResponse, type WriteTxnMarkersResponse } from '../../protocol/generated/messages/write-txn-markers-response.js';
import { defineApi } from '../api.js';

export const writeTxnMarkersApi = defineApi<WriteTxnMarkersRequest, WriteTxnMarkersResponse>({
  meta: writeTxnMarkersRequestMeta,
  minVersion: 0,
  maxVersion: 1,
  exclusive: false,
  decode: decodeWriteTxnMarkersRequest,
  encode: encodeWriteTxnMarkersResponse,
  async handle(req, ctx) {
    const markers = await Promise.all(
      req.markers.map(async (m) => ({
        producerId: m.producerId,
        topics: await Promise.all(
          m.topics.map(async (t) => ({
            name: t.name,
            partitions: await Promise.all(
              t.partitionIndexes.map(async (p) => ({ partitionIndex: p, errorCode: await ctx.broker.markers(t.name, p, m.producerId, m.producerEpoch, m.transactionResult, m.coordinatorEpoch) })),
            ),
          })),
        ),
      })),
    );
    return { markers };
  },
});
