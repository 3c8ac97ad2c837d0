/**
 * AddOffsetsToTxn (key 25), v0-v4: a transactional producer about to commit a consumer group's
 * offsets in its transaction (TxnOffsetCommit follows) adds that group's `__consumer_offsets`
 * partition to the transaction, so the transaction's marker reaches it.
 *
 * Versions: v1 same as v0; v2 PRODUCER_FENCED instead of INVALID_PRODUCER_EPOCH; v3 flexible; v4
 * TRANSACTION_ABORTABLE may be returned (KIP-890; never here).
 *
 * Errors: NOT_COORDINATOR (16), COORDINATOR_LOAD_IN_PROGRESS (14), COORDINATOR_NOT_AVAILABLE (15),
 * INVALID_REQUEST (42), INVALID_PRODUCER_ID_MAPPING (49), PRODUCER_FENCED (90;
 * INVALID_PRODUCER_EPOCH (47) before v2), CONCURRENT_TRANSACTIONS (51), INVALID_TXN_STATE (48).
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { addOffsetsToTxnRequestMeta, decodeAddOffsetsToTxnRequest, type AddOffsetsToTxnRequest } from '../../protocol/generated/messages/add-offsets-to-txn-request.js';
import { encodeAddOffsetsToTxnResponse, type AddOffsetsToTxnResponse } from '../../protocol/generated/messages/add-offsets-to-txn-response.js';
import { OFFSETS_TOPIC } from '../../coordinator/group/records.js';
import { defineApi } from '../api.js';

export const addOffsetsToTxnApi = defineApi<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse>({
  meta: addOffsetsToTxnRequestMeta,
  minVersion: 0,
  maxVersion: 4,
  exclusive: false,
  decode: decodeAddOffsetsToTxnRequest,
  encode: encodeAddOffsetsToTxnResponse,
  async handle(req, ctx) {
    // The group's partition must exist for its marker to be written: create the topic if needed.
    if (!ctx.broker.image.topicsByName.has(OFFSETS_TOPIC)) await ctx.broker.groups.findCoordinator(req.groupId);
    const partition = ctx.broker.groups.partitionFor(req.groupId);
    const r = await ctx.broker.txns.addPartitions(req.transactionalId, req.producerId, req.producerEpoch, [{ topic: OFFSETS_TOPIC, partitions: [partition] }]);
    const perPartition = r.perPartition?.get(`${OFFSETS_TOPIC}\0${partition}`);
    const code = perPartition === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ? ErrorCode.COORDINATOR_NOT_AVAILABLE : r.errorCode;
    return { throttleTimeMs: 0, errorCode: code === ErrorCode.PRODUCER_FENCED && ctx.apiVersion < 2 ? ErrorCode.INVALID_PRODUCER_EPOCH : code };
  },
});
