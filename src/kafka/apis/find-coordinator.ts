/**
 * FindCoordinator (key 10), v0-v6: which broker coordinates a consumer group (the leader of its
 * `__consumer_offsets` partition) or a transactional id (the leader of its `__transaction_state`
 * partition). The topic is created on the first request, as Kafka does.
 *
 * Versions: v1 key_type (0 group, 1 transaction) and error message; v2 same; v3 flexible; v4
 * batched coordinator_keys with one answer each (KIP-699); v5 TRANSACTION_ABORTABLE may be
 * returned (KIP-890); v6 share-group keys (KIP-932, key type 2).
 *
 * Errors (top level before v4, per key from v4): COORDINATOR_NOT_AVAILABLE (15) while the
 * internal topic cannot be created or its partition has no leader; INVALID_REQUEST (42) for an
 * unknown key type.
 */
import { liveBroker } from '../live-brokers.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { decodeFindCoordinatorRequest, findCoordinatorRequestMeta, type FindCoordinatorRequest } from '../../protocol/generated/messages/find-coordinator-request.js';
import { encodeFindCoordinatorResponse, type FindCoordinatorResponse } from '../../protocol/generated/messages/find-coordinator-response.js';
import { defineApi } from '../api.js';
import type { RequestContext } from '../context.js';

const GROUP_KEY = 0;
const TRANSACTION_KEY = 1;

interface Found {
  key: string;
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}

export const findCoordinatorApi = defineApi<FindCoordinatorRequest, FindCoordinatorResponse>({
  meta: findCoordinatorRequestMeta,
  minVersion: 0,
  maxVersion: 6,
  exclusive: false,
  decode: decodeFindCoordinatorRequest,
  encode: encodeFindCoordinatorResponse,
  async handle(req, ctx) {
    const keyType = req.keyType ?? GROUP_KEY;
    const keys = ctx.apiVersion >= 4 ? (req.coordinatorKeys ?? []) : [req.key ?? ''];
    const found = await Promise.all(keys.map((k) => findOne(k, keyType, ctx)));
    if (ctx.apiVersion >= 4) return { throttleTimeMs: 0, coordinators: found };
    const f = found[0] as Found;
    return { throttleTimeMs: 0, errorCode: f.errorCode, errorMessage: f.errorMessage, nodeId: f.nodeId, host: f.host, port: f.port };
  },
});

async function findOne(key: string, keyType: number, ctx: RequestContext): Promise<Found> {
  const none = (errorCode: number, errorMessage: string): Found => ({ key, errorCode, errorMessage, nodeId: -1, host: '', port: -1 });
  if (keyType !== GROUP_KEY && keyType !== TRANSACTION_KEY) return none(ErrorCode.INVALID_REQUEST, `Unsupported key type ${keyType}`);
  const { errorCode, nodeId } = keyType === TRANSACTION_KEY ? await ctx.broker.txns.findCoordinator(key) : await ctx.broker.groups.findCoordinator(key);
  if (errorCode !== ErrorCode.NONE) return none(errorCode, 'The coordinator is not available.');
  const endpoint = liveBroker(ctx.broker, nodeId, ctx.connection.listenerName);
  if (endpoint === undefined) return none(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'The coordinator is not available.');
  return { key, errorCode: ErrorCode.NONE, errorMessage: null, nodeId, host: endpoint.host, port: endpoint.port };
}
