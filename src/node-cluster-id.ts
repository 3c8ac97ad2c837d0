/**
 * The cluster id of a broker that knows its controllers only by controller.quorum.bootstrap.servers
 * and has not been formatted yet. Kafka's operator runs `kafka-storage format -t <id>` on every
 * node; Tributary's nodes format themselves, and such a broker asks a bootstrap controller for the
 * id (DescribeCluster) so that its first Fetch to the quorum carries the cluster's own id.
 */
import { KafkaConnection, apiCall, formatHostPort, type HostPort } from './client/connection.js';
import type { Clock } from './io/clock.js';
import type { Logger } from './util/logger.js';
import { decodeDescribeClusterResponse } from './protocol/generated/messages/describe-cluster-response.js';
import { describeClusterRequestMeta, encodeDescribeClusterRequest } from './protocol/generated/messages/describe-cluster-request.js';

const RETRY_MS = 500;
/** Controllers starting at the same time as their brokers are given this long. */
const GIVE_UP_MS = 300_000;

export async function clusterIdFromControllers(servers: readonly HostPort[], clock: Clock, log: Logger): Promise<string> {
  const deadline = clock.nowMs() + GIVE_UP_MS;
  let last = '';
  for (let attempt = 0; clock.nowMs() < deadline; attempt++) {
    const server = servers[attempt % servers.length] as HostPort;
    try {
      return await askClusterId(server, clock);
    } catch (e) {
      last = `${formatHostPort(server.host, server.port)}: ${(e as Error).message}`;
      if (attempt % 20 === 0) log.info(`waiting for a controller of controller.quorum.bootstrap.servers to name the cluster id (${last})`);
    }
    await new Promise<void>((resolve) => clock.setTimer(RETRY_MS, resolve));
  }
  throw new Error(`no controller of controller.quorum.bootstrap.servers named the cluster id within ${GIVE_UP_MS / 1000} s (last: ${last})`);
}

async function askClusterId(server: HostPort, clock: Clock): Promise<string> {
  const conn = await KafkaConnection.connect(formatHostPort(server.host, server.port), { timeoutMs: 5_000, clientId: 'tributary-format', clock });
  try {
    const r = await conn.send(apiCall(describeClusterRequestMeta, encodeDescribeClusterRequest, decodeDescribeClusterResponse, { includeClusterAuthorizedOperations: false, endpointType: 1 }));
    if (r.clusterId === '') throw new Error(`DescribeCluster answered error ${r.errorCode} without a cluster id`);
    return r.clusterId;
  } finally {
    conn.close();
  }
}
