/**
 * InitProducerId (key 22), v0-v5: gives an idempotent or transactional producer its producer id
 * and epoch.
 *
 * Versions: v1 same as v0; v2 flexible; v3 producer id/epoch in the request (KIP-360: a producer
 * may ask to bump its epoch after an error); v4 PRODUCER_FENCED instead of INVALID_PRODUCER_EPOCH;
 * v5 same as v4.
 *
 * Without a transactional id Kafka always answers with a fresh producer id and epoch 0, whatever
 * id/epoch the request carries (the client-frames captures show platformatic sending 0/0 and
 * librdkafka -1/-1; both get a new id). With a transactional id the transaction coordinator
 * answers (coordinator/txn): the id's producer id with its epoch bumped, fencing any older
 * instance and aborting a transaction it left open.
 *
 * Errors: UNKNOWN_SERVER_ERROR if no id block could be allocated; with a transactional id
 * NOT_COORDINATOR (16), COORDINATOR_LOAD_IN_PROGRESS (14), COORDINATOR_NOT_AVAILABLE (15),
 * INVALID_REQUEST (42, empty id), INVALID_TRANSACTION_TIMEOUT (50), CONCURRENT_TRANSACTIONS (51),
 * PRODUCER_FENCED (90; INVALID_PRODUCER_EPOCH (47) before v4).
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { decodeInitProducerIdRequest, initProducerIdRequestMeta, type InitProducerIdRequest } from '../../protocol/generated/messages/init-producer-id-request.js';
import { encodeInitProducerIdResponse, type InitProducerIdResponse } from '../../protocol/generated/messages/init-producer-id-response.js';
import { defineApi } from '../api.js';

export const initProducerIdApi = defineApi<InitProducerIdRequest, InitProducerIdResponse>({
  meta: initProducerIdRequestMeta,
  minVersion: 0,
  maxVersion: 5,
  exclusive: false,
  decode: decodeInitProducerIdRequest,
  encode: encodeInitProducerIdResponse,
  async handle(req, ctx) {
    if (req.transactionalId !== null) {
      const pid = req.producerId ?? -1n;
      const expected = ctx.apiVersion >= 3 && pid >= 0n ? { producerId: pid, producerEpoch: req.producerEpoch ?? -1 } : null;
      const r = await ctx.broker.txns.initProducerId(req.transactionalId, req.transactionTimeoutMs, expected);
      const errorCode = r.errorCode === ErrorCode.PRODUCER_FENCED && ctx.apiVersion < 4 ? ErrorCode.INVALID_PRODUCER_EPOCH : r.errorCode;
      return { throttleTimeMs: 0, errorCode, producerId: r.producerId, producerEpoch: r.producerEpoch };
    }
    try {
      const producerId = await ctx.broker.producerIds.generate();
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch: 0 };
    } catch (e) {
      ctx.broker.log.error(`allocating a producer id failed: ${e instanceof Error ? e.stack : String(e)}`);
      return { throttleTimeMs: 0, errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, producerId: -1n, producerEpoch: -1 };
    }
  },
});
