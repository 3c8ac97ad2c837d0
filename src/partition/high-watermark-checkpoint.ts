/**
 * Kafka's `replication-offset-checkpoint`: each log dir's file of its partitions' high watermarks
 * (the offset checkpoint text format, storage/checkpoint-file.ts), written every
 * replica.high.watermark.checkpoint.interval.ms and at shutdown, read when a replica loads: a
 * replica starts with min(checkpointed HW, LEO), 0 when it has none, so a restarted follower or
 * new leader never exposes records it did not know were committed.
 */
import * as path from 'node:path';
import type { FileSystem } from '../io/file-system.js';
import { readCheckpoint, writeCheckpoint, type CheckpointEntry } from '../storage/checkpoint-file.js';
import type { Partition } from './partition.js';

export const HW_CHECKPOINT_FILE = 'replication-offset-checkpoint';
/** Kafka's replica.high.watermark.checkpoint.interval.ms default. */
export const HW_CHECKPOINT_INTERVAL_MS = 5000;

/** The checkpointed HWs of one log dir, keyed `<topic>-<partition>` (a missing file: none). */
export function readHighWatermarks(fs: FileSystem, logDir: string): Promise<Map<string, number>> {
  return readCheckpoint(fs, path.join(logDir, HW_CHECKPOINT_FILE));
}

/** Writes each log dir's file with the HWs of the partitions it holds. */
export async function writeHighWatermarks(fs: FileSystem, partitions: Iterable<Partition>): Promise<void> {
  const byDir = new Map<string, CheckpointEntry[]>();
  for (const p of partitions) {
    const logDir = path.dirname(p.dir);
    let entries = byDir.get(logDir);
    if (entries === undefined) byDir.set(logDir, (entries = []));
    entries.push({ topic: p.topic, partition: p.partitionId, offset: p.highWatermark });
  }
  for (const [logDir, entries] of byDir) await writeCheckpoint(fs, path.join(logDir, HW_CHECKPOINT_FILE), entries);
}
