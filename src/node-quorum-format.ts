/**
 * How a node joins a KIP-853 (dynamic) quorum without a `kafka-storage format` step: Tributary's
 * nodes format themselves. A controller with controller.quorum.bootstrap.servers and no
 * controller.quorum.voters formats as Kafka's
 * - `kafka-storage format --standalone` when the bootstrap list names only its own controller
 *   listener: a fresh cluster id and the bootstrap checkpoint
 *   `__cluster_metadata-0/00000000000000000000-0000000000.checkpoint` holding KRaftVersionRecord(1)
 *   and a VotersRecord of this node alone (its directory id and controller endpoint). It leads at
 *   once; others join through AddRaftVoter (`kafka-metadata-quorum add-controller`).
 * - `--no-initial-controllers` otherwise: no voters on disk; it asks a bootstrap controller for
 *   the cluster id (node-cluster-id.ts) and starts as an observer until it is added.
 * The checkpoint is written only with a fresh meta.properties, never over an existing log.
 */
import type { LoadedConfig } from './config/index.js';
import { join } from 'node:path';
import type { FileSystem } from './io/file-system.js';
import { localHostName } from './io/host.js';
import { encodeSnapshot, SnapshotStore } from './controller/metadata-snapshot.js';
import type { VoterWithEndpoints } from './controller/metadata-log-entries.js';

type Config = LoadedConfig['config'];

/**
 * No controller.quorum.voters but bootstrap servers: the voters live in the metadata log
 * (kraft.version 1). Except a combined node whose controller listeners bind only ephemeral ports
 * (0) with one bootstrap server that is not one of them (Kafka's sample server.properties
 * started on free ports): no other node could name it, so it stays a quorum of its own
 * (kraft.version 0), as before KIP-853 was built.
 */
export function isDynamicQuorum(config: Config): boolean {
  if (config.controllerQuorumVoters.length > 0 || config.controllerQuorumBootstrapServers.length === 0) return false;
  const controllerPorts = config.listeners.filter((l) => config.controllerListenerNames.includes(l.name)).map((l) => l.port);
  const combined = config.processRoles.includes('broker') && config.processRoles.includes('controller');
  const ephemeralOnly = controllerPorts.length > 0 && controllerPorts.every((p) => p === 0);
  return !(combined && ephemeralOnly && config.controllerQuorumBootstrapServers.length === 1);
}

/**
 * A controller of a dynamic quorum whose bootstrap servers name only its own controller listener
 * (`--standalone`): the endpoint it stands at, else undefined. Ports must match exactly (a
 * standalone controller's listener needs a fixed port for others to find it); hosts may be any
 * two names of this machine.
 */
export function standaloneEndpoint(config: Config): { name: string; host: string; port: number } | undefined {
  if (!config.processRoles.includes('controller') || !isDynamicQuorum(config)) return undefined;
  const servers = config.controllerQuorumBootstrapServers;
  if (servers.length !== 1) return undefined;
  const only = servers[0]!;
  const own = config.listeners.find((l) => config.controllerListenerNames.includes(l.name) && l.port === only.port && (l.host === only.host || l.host === '' || (isLoopbackOrLocal(l.host) && isLoopbackOrLocal(only.host))));
  return own === undefined ? undefined : { name: own.name, host: only.host, port: only.port };
}

const BOOTSTRAP_CHECKPOINT = '00000000000000000000-0000000000.checkpoint';

/** Whether the metadata partition's directory holds the bootstrap checkpoint. */
export function hasBootstrapCheckpoint(fs: FileSystem, partitionDir: string): Promise<boolean> {
  return fs.exists(join(partitionDir, BOOTSTRAP_CHECKPOINT));
}

/** Writes the `--standalone` bootstrap checkpoint into the metadata partition's directory. */
export async function writeBootstrapCheckpoint(fs: FileSystem, partitionDir: string, self: VoterWithEndpoints, nowMs: number): Promise<void> {
  const id = { endOffset: 0, epoch: 0 };
  const store = new SnapshotStore(fs, partitionDir);
  await fs.mkdirs(partitionDir);
  await store.write(id, await encodeSnapshot(id, [], nowMs, nowMs, [self]));
}

/** Names of this machine a controller listener may be given under. */
function isLoopbackOrLocal(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '::1' || host === localHostName();
}
