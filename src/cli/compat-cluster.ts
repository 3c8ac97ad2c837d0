/**
 * Tributary as the cluster of the compat matrix's cluster rows: `startCluster` (three
 * `tributary start` processes on loopback), handed to the compat run from here because compat/
 * must not import the node files (src/README.md's layers).
 */
import type { ClusterStarter } from '../compat/row-cluster.js';
import { startCluster } from '../local-cluster.js';

export const TRIBUTARY_CLUSTER_STARTER: ClusterStarter = {
  product: 'Tributary',
  async start(config) {
    const c = await startCluster({ nodes: 3, config });
    return { product: 'Tributary', bootstrap: c.bootstrap, nodes: c.nodes, stop: () => c.stop() };
  },
};
