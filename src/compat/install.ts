/**
 * `tributary compat --install-clients`: fetches what the client columns (and Apache Kafka, the
 * oracle) need into the user's cache, outside the repository: Maven jars, Go modules, a PyPI
 * virtualenv. Debian-packaged clients are not installed here (apt-get needs root): their columns
 * name the package. Idempotent: what is already cached is checked, not fetched again.
 */
import { CLIENT_IDS } from './capability.js';
import { ADAPTERS } from './clients/index.js';
import { fetchClasspath, type JvmBundle } from './jvm/maven.js';

/** JVM bundles needed beyond the client columns' own (the broker for the oracle runs, Streams, Connect). */
const EXTRA_BUNDLES: readonly JvmBundle[] = ['server', 'streams', 'connect'];

/** Runs every preparation; returns the problems (empty: everything is ready). */
export async function installClients(log: (line: string) => void): Promise<string[]> {
  const problems: string[] = [];
  for (const id of CLIENT_IDS) {
    const prepare = ADAPTERS[id].prepare;
    if (prepare === undefined) continue;
    log(`[install] ${id}…`);
    const problem = await prepare();
    log(`[install] ${id}: ${problem ?? 'ready'}`);
    if (problem !== undefined) problems.push(`${id}: ${problem}`);
  }
  for (const bundle of EXTRA_BUNDLES) {
    log(`[install] Kafka jars '${bundle}'…`);
    const r = await fetchClasspath(bundle);
    log(`[install] Kafka jars '${bundle}': ${'problem' in r ? r.problem : 'ready'}`);
    if ('problem' in r) problems.push(`jars '${bundle}': ${r.problem}`);
  }
  return problems;
}
