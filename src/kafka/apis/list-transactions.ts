/**
 * ListTransactions (key 66), v0-v1 (KIP-664): the transactional ids this node coordinates, with
 * producer id and state, filtered by state names and producer ids (empty = all).
 *
 * Versions: v1 duration_filter (KIP-994): only transactions running longer than it.
 *
 * Errors: COORDINATOR_LOAD_IN_PROGRESS (14) while a partition loads; unknown state names are
 * listed in unknown_state_filters.
 */
import { decodeListTransactionsRequest, listTransactionsRequestMeta, type ListTransactionsRequest } from '../../protocol/generated/messages/list-transactions-request.js';
import { encodeListTransactionsResponse, type ListTransactionsResponse } from '../../protocol/generated/messages/list-transactions-response.js';
import { defineApi } from '../api.js';

export const listTransactionsApi = defineApi<ListTransactionsRequest, ListTransactionsResponse>({
  meta: listTransactionsRequestMeta,
  minVersion: 0,
  maxVersion: 1,
  exclusive: false,
  decode: decodeListTransactionsRequest,
  encode: encodeListTransactionsResponse,
  handle(req, ctx) {
    const r = ctx.broker.txns.list(req.stateFilters, req.producerIdFilters, ctx.apiVersion >= 1 ? Number(req.durationFilter ?? -1n) : -1);
    return {
      throttleTimeMs: 0,
      errorCode: r.errorCode,
      unknownStateFilters: r.unknownStateFilters,
      transactionStates: r.transactions.map((t) => ({ transactionalId: t.transactionalId, producerId: t.producerId, transactionState: t.state })),
    };
  },
});
