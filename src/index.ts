/**
 * Tributary's public API: start a broker inside your own process.
 *
 *   import { startNode } from 'tributary';
 *   const node = await startNode();            // 127.0.0.1, a free port, a fresh temp data dir
 *   // ... point any Kafka client at node.bootstrap ...
 *   await node.stop();
 *
 * `config` takes Kafka's own key names (`{ 'num.partitions': '3' }`), exactly as server.properties.
 *
 *   import { startCluster } from 'tributary';
 *   const cluster = await startCluster({ nodes: 3 });   // 3 processes, a quorum, replication
 *   await cluster.node(2).kill();                         // kill -9 one; .pause(), .restart(), .stop()
 *   await cluster.stop();
 */
import { loadBrokerConfig } from './config/index.js';
import { makeTempDir, removeTempDir } from './io/temp-dir.js';
import { silentLogger, type Logger } from './util/logger.js';
import { runNode, type RunningNode } from './node.js';

export type { RunningNode } from './node.js';
export { startCluster, type StartClusterOptions, type RunningCluster, type ClusterNode } from './local-cluster.js';
export type { Logger } from './util/logger.js';
export { consoleLogger, silentLogger } from './util/logger.js';

export interface StartNodeOptions {
  /** Broker configs by Kafka's names; values as they would appear in server.properties. */
  config?: Record<string, string | number | boolean>;
  /** Where broker log lines go (default: nowhere, so tests stay quiet). */
  logger?: Logger;
}

/**
 * Starts a node in this process. Without `log.dirs` it gets a fresh temporary directory, which
 * stop() deletes; a directory you name is yours and is left in place.
 */
export async function startNode(options: StartNodeOptions = {}): Promise<RunningNode> {
  const overrides = new Map(Object.entries(options.config ?? {}).map(([k, v]) => [k, String(v)]));
  if (!overrides.has('listeners')) overrides.set('listeners', 'PLAINTEXT://127.0.0.1:0');
  // Metrics on, like `tributary start`, but on a free port (node.metricsUrls says which).
  if (!overrides.has('tributary.metrics.listeners')) overrides.set('tributary.metrics.listeners', 'http://127.0.0.1:0');
  // The schema registry only when asked for (it adds a Kafka client and a consumer group join).
  if (!overrides.has('schema.registry.listeners')) overrides.set('schema.registry.listeners', '');
  let tempDir: string | null = null;
  if (!overrides.has('log.dirs') && !overrides.has('log.dir')) overrides.set('log.dirs', (tempDir = await makeTempDir('tributary-')));
  const loaded = loadBrokerConfig({ overrides: [...overrides] });
  const node = await runNode(loaded, { logger: options.logger ?? silentLogger });
  if (tempDir === null) return node;
  const dir = tempDir;
  return { ...node, stop: () => node.stop().then(() => removeTempDir(dir)) };
}
