/**
 * AddPartitionsToTxn (key 24), v0-v3: a transactional producer adds partitions to its transaction
 * before it produces to them (the first one starts the transaction).
 *
 * Versions: v1 same as v0; v2 PRODUCER_FENCED instead of INVALID_PRODUCER_EPOCH; v3 flexible. v4+
 * (KIP-890: batched, verify-only, for brokers) is not served: clients use v3 and below.
 *
 * Errors (every partition gets the request's error): NOT_COORDINATOR (16),
 * COORDINATOR_LOAD_IN_PROGRESS (14), COORDINATOR_NOT_AVAILABLE (15), INVALID_REQUEST (42),
 * INVALID_PRODUCER_ID_MAPPING (49), PRODUCER_FENCED (90; INVALID_PRODUCER_EPOCH (47) before v2),
 * CONCURRENT_TRANSACTIONS (51), INVALID_TXN_STATE (48); UNKNOWN_TOPIC_OR_PARTITION (3) for a
 * partition that does not exist, with OPERATION_NOT_ATTEMPTED (55) for the others.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { addPartitionsToTxnRequestMeta, decodeAddPartitionsToTxnRequest, type AddPartitionsToTxnRequest } from '../../protocol/generated/messages/add-partitions-to-txn-request.js';
import { encodeAddPartitionsToTxnResponse, type AddPartitionsToTxnResponse } from '../../protocol/generated/messages/add-partitions-to-txn-response.js';
import { defineApi } from '../api.js';

export const addPartitionsToTxnApi = defineApi<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>({
  meta: addPartitionsToTxnRequestMeta,
  minVersion: 0,
  maxVersion: 3,
  exclusive: false,
  decode: decodeAddPartitionsToTxnRequest,
  encode: encodeAddPartitionsToTxnResponse,
  async handle(req, ctx) {
    const topics = (req.v3AndBelowTopics ?? []).map((t) => ({ topic: t.name, partitions: t.partitions }));
    const r = await ctx.broker.txns.addPartitions(req.v3AndBelowTransactionalId ?? '', req.v3AndBelowProducerId ?? -1n, req.v3AndBelowProducerEpoch ?? -1, topics);
    const errorCode = r.errorCode === ErrorCode.PRODUCER_FENCED && ctx.apiVersion < 2 ? ErrorCode.INVALID_PRODUCER_EPOCH : r.errorCode;
    return {
      throttleTimeMs: 0,
      resultsByTopicV3AndBelow: topics.map((t) => ({
        name: t.topic,
        resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: r.perPartition?.get(`${t.topic}\0${p}`) ?? errorCode })),
      })),
    };
  },
});
