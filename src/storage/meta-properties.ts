/**
 * `meta.properties` in each log dir, as Kafka's KRaft storage writes it: the cluster id and node id
 * the directory belongs to, and the directory's own id (`directory.id`, KIP-858, Kafka 3.7+: the
 * broker registers its log dirs by these ids). A directory formatted for another node or cluster
 * is refused at startup, so a misconfigured node never mixes two clusters' data.
 */
import { join } from 'node:path';
import type { FileSystem } from '../io/file-system.js';

export const META_PROPERTIES_FILE = 'meta.properties';

export interface MetaProperties {
  clusterId: string;
  nodeId: number;
  /** KIP-858's directory.id (a Kafka Uuid in URL-safe base64); absent in files written before 3.7. */
  directoryId?: string;
}

/** What formatting found or wrote: the cluster id, and each log dir's directory.id (same order). */
export interface FormattedDirs {
  clusterId: string;
  directoryIds: string[];
}

export async function readMetaProperties(fs: FileSystem, logDir: string): Promise<MetaProperties | null> {
  const path = join(logDir, META_PROPERTIES_FILE);
  if (!(await fs.exists(path))) return null;
  const entries = new Map<string, string>();
  for (const line of (await fs.readFile(path)).toString('utf8').split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const eq = t.indexOf('=');
    if (eq > 0) entries.set(t.slice(0, eq).trim(), t.slice(eq + 1).trim());
  }
  const clusterId = entries.get('cluster.id');
  const nodeId = Number(entries.get('node.id'));
  if (clusterId === undefined || !Number.isInteger(nodeId)) throw new Error(`${path} is missing cluster.id or node.id`);
  const directoryId = entries.get('directory.id');
  return directoryId === undefined ? { clusterId, nodeId } : { clusterId, nodeId, directoryId };
}

export async function writeMetaProperties(fs: FileSystem, logDir: string, meta: MetaProperties): Promise<void> {
  const dirLine = meta.directoryId === undefined ? '' : `directory.id=${meta.directoryId}\n`;
  const text = `#\n#Written by Tributary\nversion=1\nnode.id=${meta.nodeId}\ncluster.id=${meta.clusterId}\n${dirLine}`;
  await fs.mkdirs(logDir);
  await fs.writeFileAtomic(join(logDir, META_PROPERTIES_FILE), Buffer.from(text, 'utf8'));
}

/**
 * Reads every log dir's meta.properties, checks they agree with each other and with `nodeId`, and
 * formats the unformatted ones with the existing (or a fresh) cluster id. A dir without a
 * directory.id gets a fresh one (Kafka 3.7+ adds it to an older file the same way); two dirs
 * claiming the same id (one copied from the other) are refused, as Kafka does.
 */
export async function ensureFormatted(
  fs: FileSystem,
  logDirs: readonly string[],
  nodeId: number,
  newClusterId: () => string | Promise<string>,
  newDirectoryId: () => string,
): Promise<FormattedDirs> {
  const found = await Promise.all(logDirs.map((d) => readMetaProperties(fs, d)));
  let clusterId: string | undefined;
  found.forEach((meta, i) => {
    if (meta === null) return;
    if (meta.nodeId !== nodeId) throw new Error(`log dir ${logDirs[i]} belongs to node.id=${meta.nodeId}, but this node is node.id=${nodeId}`);
    if (clusterId !== undefined && meta.clusterId !== clusterId) throw new Error(`log dirs disagree on cluster.id: ${clusterId} vs ${meta.clusterId} in ${logDirs[i]}`);
    clusterId = meta.clusterId;
  });
  const id = clusterId ?? (await newClusterId());
  const seen = new Map<string, string>();
  const directoryIds = await Promise.all(logDirs.map(async (d, i) => {
    const meta = found[i] ?? null;
    if (meta !== null && meta.directoryId !== undefined) return meta.directoryId;
    const directoryId = newDirectoryId();
    await writeMetaProperties(fs, d, { clusterId: id, nodeId, directoryId });
    return directoryId;
  }));
  directoryIds.forEach((dirId, i) => {
    const other = seen.get(dirId);
    if (other !== undefined) throw new Error(`log dirs ${other} and ${logDirs[i]} have the same directory.id ${dirId} (one is a copy of the other)`);
    seen.set(dirId, logDirs[i]!);
  });
  return { clusterId: id, directoryIds };
}
