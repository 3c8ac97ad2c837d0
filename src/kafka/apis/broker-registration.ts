/**
 * BrokerRegistration (key 62), v0-v4: a broker joins the cluster through the active controller
 * (controller/cluster-control.ts). The controller answers with the broker's epoch; the broker starts
 * fenced and is unfenced by a heartbeat once it has caught up with the metadata log.
 *
 * Versions: v1 isMigratingZkBroker; v2 log dirs; v3 previous broker epoch (KIP-966, not used:
 * ELR is off); v4 the same body (a feature range may start at 0).
 *
 * Errors: NOT_CONTROLLER (41) on a node that is not the active controller, INCONSISTENT_CLUSTER_ID
 * (104), DUPLICATE_BROKER_REGISTRATION (101) while another incarnation of the id has a live
 * session, BROKER_ID_NOT_REGISTERED (102) for a ZooKeeper-migrating broker, UNSUPPORTED_VERSION (35)
 * for a feature range without the finalized level.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { brokerRegistrationRequestMeta, decodeBrokerRegistrationRequest, type BrokerRegistrationRequest } from '../../protocol/generated/messages/broker-registration-request.js';
import { encodeBrokerRegistrationResponse, type BrokerRegistrationResponse } from '../../protocol/generated/messages/broker-registration-response.js';
import { defineApi } from '../api.js';
import { onActiveController } from './controller-apis.js';

export const brokerRegistrationApi = defineApi<BrokerRegistrationRequest, BrokerRegistrationResponse>({
  meta: brokerRegistrationRequestMeta,
  minVersion: 0,
  maxVersion: 4,
  exclusive: false,
  decode: decodeBrokerRegistrationRequest,
  encode: encodeBrokerRegistrationResponse,
  handle(req, ctx) {
    return onActiveController(
      ctx,
      (control) => control.registerBroker(req, ctx.broker.clock.nowMs()),
      () => ({ throttleTimeMs: 0, errorCode: ErrorCode.NOT_CONTROLLER, brokerEpoch: -1n }),
    );
  },
});
