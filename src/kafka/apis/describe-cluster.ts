/**
 * DescribeCluster (key 60), v0-v1: cluster id, controller and brokers (the admin client's view).
 *
 * Versions: v0 flexible from the start; v1 endpoint_type (KIP-919: 1 brokers, 2 controllers).
 *
 * Errors: UNSUPPORTED_ENDPOINT_TYPE (115) for an endpoint type other than brokers, as a broker
 * listener answers.
 */
import { liveBrokers, visibleControllerId } from '../live-brokers.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { decodeDescribeClusterRequest, describeClusterRequestMeta, type DescribeClusterRequest } from '../../protocol/generated/messages/describe-cluster-request.js';
import { encodeDescribeClusterResponse, type DescribeClusterResponse } from '../../protocol/generated/messages/describe-cluster-response.js';
import { defineApi } from '../api.js';

const BROKERS = 1;
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
    if (endpointType !== BROKERS) {
      return { ...base, errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: 'The broker listener only describes brokers (endpoint type 1).', brokers: [] };
    }
    const brokers = liveBrokers(ctx.broker, ctx.connection.listenerName).map((b) => ({ brokerId: b.nodeId, host: b.host, port: b.port, rack: b.rack }));
    return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, brokers };
  },
});
