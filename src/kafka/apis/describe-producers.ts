/**
 * DescribeProducers (key 61), v0 (KIP-664): the active idempotent/transactional producers of
 * partitions this node leads: producer id, epoch, last sequence, last timestamp, coordinator epoch
 * and the first offset of the open transaction (-1 when none).
 *
 * Errors per partition: UNKNOWN_TOPIC_OR_PARTITION (3).
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { decodeDescribeProducersRequest, describeProducersRequestMeta, type DescribeProducersRequest } from '../../protocol/generated/messages/describe-producers-request.js';
import { encodeDescribeProducersResponse, type DescribeProducersResponse } from '../../protocol/generated/messages/describe-producers-response.js';
import { defineApi } from '../api.js';

export const describeProducersApi = defineApi<DescribeProducersRequest, DescribeProducersResponse>({
  meta: describeProducersRequestMeta,
  minVersion: 0,
  maxVersion: 0,
  exclusive: false,
  decode: decodeDescribeProducersRequest,
  encode: encodeDescribeProducersResponse,
  handle(req, ctx) {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((index) => {
          const p = ctx.broker.replicas.get(t.name, index);
          if (p === undefined) return { partitionIndex: index, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null, activeProducers: [] };
          const activeProducers = [...p.producers.entries()].map((e) => ({
            producerId: e.producerId,
            producerEpoch: e.epoch,
            lastSequence: e.batches[e.batches.length - 1]?.lastSeq ?? -1,
            lastTimestamp: BigInt(e.lastTimestamp),
            coordinatorEpoch: e.coordinatorEpoch,
            currentTxnStartOffset: BigInt(e.currentTxnFirstOffset),
          }));
          return { partitionIndex: index, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers };
        }),
      })),
    };
  },
});
