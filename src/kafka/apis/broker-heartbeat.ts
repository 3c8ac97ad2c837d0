/**
 * BrokerHeartbeat (key 63), v0-v2: a registered broker's periodic report to the active controller
 * (controller/cluster-control.ts), which keeps its session alive and answers whether it is caught
 * up, fenced, or should shut down (wantShutDown starts a controlled shutdown: its leaderships move
 * first). Offline and cordoned log dirs (v1, v2) are accepted and not acted on.
 *
 * Errors: NOT_CONTROLLER (41) on a node that is not the active controller, STALE_BROKER_EPOCH (77)
 * for an epoch other than the broker's registration's.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { brokerHeartbeatRequestMeta, decodeBrokerHeartbeatRequest, type BrokerHeartbeatRequest } from '../../protocol/generated/messages/broker-heartbeat-request.js';
import { encodeBrokerHeartbeatResponse, type BrokerHeartbeatResponse } from '../../protocol/generated/messages/broker-heartbeat-response.js';
import { defineApi } from '../api.js';
import { onActiveController } from './controller-apis.js';

export const brokerHeartbeatApi = defineApi<BrokerHeartbeatRequest, BrokerHeartbeatResponse>({
  meta: brokerHeartbeatRequestMeta,
  minVersion: 0,
  maxVersion: 2,
  exclusive: false,
  decode: decodeBrokerHeartbeatRequest,
  encode: encodeBrokerHeartbeatResponse,
  handle(req, ctx) {
    return onActiveController(
      ctx,
      (control) => control.heartbeat(req, ctx.broker.clock.nowMs()),
      // Kafka's defaults for an error: not caught up, fenced.
      () => ({ throttleTimeMs: 0, errorCode: ErrorCode.NOT_CONTROLLER, isCaughtUp: false, isFenced: true, shouldShutDown: false }),
    );
  },
});
