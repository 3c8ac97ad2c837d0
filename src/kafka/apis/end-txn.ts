/**
 * EndTxn (key 26), v0-v4: a transactional producer commits or aborts its transaction. Answered
 * once the transaction is complete: markers written to every partition of it, the group offsets it
 * committed applied, CompleteCommit/CompleteAbort durable in `__transaction_state`.
 *
 * Versions: v1 same as v0; v2 PRODUCER_FENCED instead of INVALID_PRODUCER_EPOCH; v3 flexible; v4
 * TRANSACTION_ABORTABLE may be returned (KIP-890; never here). v5 (producer id/epoch in the
 * answer, transaction version 2) is unstable in Kafka and not served.
 *
 * Errors: NOT_COORDINATOR (16), COORDINATOR_LOAD_IN_PROGRESS (14), COORDINATOR_NOT_AVAILABLE (15),
 * INVALID_REQUEST (42), INVALID_PRODUCER_ID_MAPPING (49), PRODUCER_FENCED (90;
 * INVALID_PRODUCER_EPOCH (47) before v2), INVALID_TXN_STATE (48), CONCURRENT_TRANSACTIONS (51).
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { decodeEndTxnRequest, endTxnRequestMeta, type EndTxnRequest } from '../../protocol/generated/messages/end-txn-request.js';
import { encodeEndTxnResponse, type EndTxnResponse } from '../../protocol/generated/messages/end-txn-response.js';
import { defineApi } from '../api.js';

export const endTxnApi = defineApi<EndTxnRequest, EndTxnResponse>({
  meta: endTxnRequestMeta,
  minVersion: 0,
  maxVersion: 4,
  exclusive: false,
  decode: decodeEndTxnRequest,
  encode: encodeEndTxnResponse,
  async handle(req, ctx) {
    const code = await ctx.broker.txns.endTxn(req.transactionalId, req.producerId, req.producerEpoch, req.committed);
    return { throttleTimeMs: 0, errorCode: code === ErrorCode.PRODUCER_FENCED && ctx.apiVersion < 2 ? ErrorCode.INVALID_PRODUCER_EPOCH : code };
  },
});
