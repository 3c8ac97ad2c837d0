/**
 * Kafka's `partition.metadata` file: the topic id a partition directory belongs to, so a directory
 * left over from a deleted topic of the same name is never mistaken for the new one.
 *
 *   version: 0
 *   topic_id: <base64url uuid>
 *
 * Invariant: once written the topic id never changes; opening with a different id is an error
 * (Kafka: InconsistentTopicIdException).
 */
import * as path from 'node:path';
import type { FileSystem } from '../io/file-system.js';
import { PARTITION_METADATA_FILE } from './file-names.js';

export function formatPartitionMetadata(topicId: string): Buffer {
  return Buffer.from(`version: 0\ntopic_id: ${topicId}\n`, 'utf8');
}

export function parsePartitionMetadata(text: string): string {
  const lines = text.split('\n').filter((l) => l.length > 0);
  const version = /^version: (\d+)$/.exec(lines[0] ?? '');
  const id = /^topic_id: ([A-Za-z0-9_-]+)$/.exec(lines[1] ?? '');
  if (version === null || version[1] !== '0') throw new Error(`partition.metadata: unsupported version line "${lines[0] ?? ''}"`);
  if (id === null) throw new Error(`partition.metadata: bad topic_id line "${lines[1] ?? ''}"`);
  return id[1]!;
}

/** Returns the directory's topic id, writing `topicId` when the file does not exist yet. */
export async function syncPartitionMetadata(fs: FileSystem, dir: string, topicId: string | undefined): Promise<string | undefined> {
  const file = path.join(dir, PARTITION_METADATA_FILE);
  if (await fs.exists(file)) {
    const stored = parsePartitionMetadata((await fs.readFile(file)).toString('utf8'));
    if (topicId !== undefined && stored !== topicId) {
      throw new Error(`${dir} belongs to topic id ${stored}, not ${topicId}`);
    }
    return stored;
  }
  if (topicId !== undefined) await fs.writeFileAtomic(file, formatPartitionMetadata(topicId));
  return topicId;
}
