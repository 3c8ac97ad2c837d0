/**
 * AllocateProducerIds (key 67), v0 (KIP-730): a broker asks the active controller for a block of
 * producer ids (1000, Kafka's ProducerIdsBlock size) for its InitProducerId answers. The controller
 * records the next free id in the metadata log (producer-id-control.ts) before answering, so no id
 * is handed out twice. Kafka serves it on the controller listener only (see registry.ts).
 *
 * The broker epoch is not checked yet (Kafka answers STALE_BROKER_EPOCH for a stale one).
 *
 * Errors: NOT_CONTROLLER (41) on a node that is not the active controller (the sender retries at
 * the quorum's leader); UNKNOWN_SERVER_ERROR (-1), logged, when the metadata log fails.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { allocateProducerIdsRequestMeta, decodeAllocateProducerIdsRequest, type AllocateProducerIdsRequest } from '../../protocol/generated/messages/allocate-producer-ids-request.js';
import { encodeAllocateProducerIdsResponse, type AllocateProducerIdsResponse } from '../../protocol/generated/messages/allocate-producer-ids-response.js';
import { NotControllerError } from '../../controller/controller.js';
import { allocateProducerIdsCommand } from '../../controller/producer-id-control.js';
import { defineApi } from '../api.js';

export const allocateProducerIdsApi = defineApi<AllocateProducerIdsRequest, AllocateProducerIdsResponse>({
  meta: allocateProducerIdsRequestMeta,
  minVersion: 0,
  maxVersion: 0,
  exclusive: false,
  controllerOnly: true,
  decode: decodeAllocateProducerIdsRequest,
  encode: encodeAllocateProducerIdsResponse,
  async handle(req, ctx) {
    try {
      const block = await ctx.broker.controller.run(allocateProducerIdsCommand(req.brokerId));
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerIdStart: block.first, producerIdLen: Number(block.end - block.first) };
    } catch (e) {
      if (e instanceof NotControllerError) return failed(ErrorCode.NOT_CONTROLLER);
      ctx.broker.log.error(`AllocateProducerIds for broker ${req.brokerId}: ${e instanceof Error ? e.message : String(e)}`);
      return failed(ErrorCode.UNKNOWN_SERVER_ERROR);
    }
  },
});

function failed(errorCode: number): AllocateProducerIdsResponse {
  return { throttleTimeMs: 0, errorCode, producerIdStart: -1n, producerIdLen: 0 };
}
