/**
 * DescribeCluster (key 60), v0-v1: cluster id, controller and brokers (the admin client's view).
 *
 * Versions: v0 flexible from the start; v1 endpoint_type (KIP-919: 1 brokers, 2 controllers).
 *
 * On a controller listener endpoint type 2 (controllers, what an admin client given
 * --bootstrap-controller asks) lists the quorum's voters on that listener, with the quorum's
 * leader as controllerId (where AddRaftVoter and DescribeQuorum go).
 *
 * Errors: UNSUPPORTED_ENDPOINT_TYPE (115) for an endpoint type other than brokers on a broker
 * listener (and other than 1 or 2 on a controller listener).
 */
import { liveBrokers, visibleControllerId } from '../live-brokers.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { decodeDescribeClusterRequest, describeClusterRequestMeta, type DescribeClusterRequest } from '../../protocol/generated/messages/describe-cluster-request.js';
import { encodeDescribeClusterResponse, type DescribeClusterResponse } from '../../protocol/generated/messages/describe-cluster-response.js';
import { defineApi, servedOnListener } from '../api.js';
import type { RequestContext } from '../context.js';

const BROKERS = 1;
const CONTROLLERS = 2;
const OPERATIONS_OMITTED = -2147483648;

export const describeClusterApi = defineApi<DescribeClusterRequest, DescribeClusterResponse>({
  meta: describeClusterRequestMeta,
  minVersion: 0,
  maxVersion: 1,
  exclusive: false,
  decode: decodeDescribeClusterRequest,
  encode: encodeDescribeClusterResponse,
  handle(req, ctx) {
    const { settings } = ctx.broker;
    const endpointType = req.endpointType ?? BROKERS;
    const base = { throttleTimeMs: 0, endpointType, clusterId: settings.clusterId, controllerId: visibleControllerId(ctx.broker), clusterAuthorizedOperations: OPERATIONS_OMITTED };
    if (endpointType === CONTROLLERS && settings.controllerListenerNames !== undefined && servedOnListener({ controllerOnly: true }, settings, ctx.connection.listenerName)) {
      const { leaderId, brokers } = controllers(ctx);
      return { ...base, controllerId: leaderId, errorCode: ErrorCode.NONE, errorMessage: null, brokers };
    }
    if (endpointType !== BROKERS) {
      return { ...base, errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: 'The broker listener only describes brokers (endpoint type 1).', brokers: [] };
    }
    const brokers = liveBrokers(ctx.broker, ctx.connection.listenerName).map((b) => ({ brokerId: b.nodeId, host: b.host, port: b.port, rack: b.rack }));
    return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, brokers };
  },
});

/**
 * The quorum's voters where they listen on this connection's listener: from their VotersRecords
 * (KIP-853), else controller.quorum.voters (a lone node: its own advertised listener).
 */
function controllers(ctx: RequestContext): { leaderId: number; brokers: DescribeClusterResponse['brokers'] } {
  const listener = ctx.connection.listenerName;
  const quorum = ctx.broker.quorum;
  const { settings } = ctx.broker;
  const brokers: DescribeClusterResponse['brokers'] = [];
  const voterSet = quorum.voterSet?.();
  if (voterSet !== undefined) {
    for (const v of voterSet) {
      const e = v.endpoints?.find((x) => x.name === listener) ?? v.endpoints?.[0];
      if (e !== undefined) brokers.push({ brokerId: v.id, host: e.host, port: e.port, rack: null });
    }
  } else if (settings.quorumVoters !== undefined) {
    for (const [id, at] of settings.quorumVoters) brokers.push({ brokerId: id, host: at.host, port: at.port, rack: null });
  } else {
    const own = ctx.broker.advertisedEndpoints().find((e) => e.listenerName === listener);
    if (own !== undefined) brokers.push({ brokerId: settings.nodeId, host: own.host, port: own.port, rack: null });
  }
  const leaderId = quorum.raftState().leaderId;
  return { leaderId: leaderId >= 0 ? leaderId : (brokers[0]?.brokerId ?? -1), brokers };
}
