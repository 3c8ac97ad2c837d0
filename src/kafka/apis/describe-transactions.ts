/**
 * DescribeTransactions (key 65), v0 (KIP-664): the state of transactional ids this node
 * coordinates: state name, timeout, start time, producer id/epoch, partitions.
 *
 * Errors per id: NOT_COORDINATOR (16), COORDINATOR_LOAD_IN_PROGRESS (14),
 * TRANSACTIONAL_ID_NOT_FOUND (105).
 */
import { decodeDescribeTransactionsRequest, describeTransactionsRequestMeta, type DescribeTransactionsRequest } from '../../protocol/generated/messages/describe-transactions-request.js';
import { encodeDescribeTransactionsResponse, type DescribeTransactionsResponse } from '../../protocol/generated/messages/describe-transactions-response.js';
import { defineApi } from '../api.js';

export const describeTransactionsApi = defineApi<DescribeTransactionsRequest, DescribeTransactionsResponse>({
  meta: describeTransactionsRequestMeta,
  minVersion: 0,
  maxVersion: 0,
  exclusive: false,
  decode: decodeDescribeTransactionsRequest,
  encode: encodeDescribeTransactionsResponse,
  async handle(req, ctx) {
    const described = await Promise.all(req.transactionalIds.map((id) => ctx.broker.txns.describe(id)));
    return {
      throttleTimeMs: 0,
      transactionStates: described.map((d) => ({
        errorCode: d.errorCode,
        transactionalId: d.transactionalId,
        transactionState: d.state,
        transactionTimeoutMs: d.timeoutMs,
        transactionStartTimeMs: BigInt(d.startTimeMs),
        producerId: d.producerId,
        producerEpoch: d.producerEpoch,
        topics: d.topics,
      })),
    };
  },
});
