/**
 * Kafka's on-disk names: `<topic>-<partition>` directories and 20-digit zero-padded base-offset file
 * names (`00000000000000000000.log`, `.index`, `.timeindex`), so operators and Kafka's own tools
 * recognise a Tributary log dir.
 *
 * Invariant: topic names may contain '-', so a directory name is split at its LAST '-'.
 */
import * as path from 'node:path';

export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
export const DELETE_DIR_SUFFIX = '-delete';
export const PARTITION_METADATA_FILE = 'partition.metadata';
export const RECOVERY_POINT_CHECKPOINT_FILE = 'recovery-point-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT_FILE = 'log-start-offset-checkpoint';
/** Kafka's cleaner checkpoint: per compacted partition, the offset below which the log is clean. */
export const CLEANER_OFFSET_CHECKPOINT_FILE = 'cleaner-offset-checkpoint';
export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';
/** Kafka's leftovers of interrupted operations: removed when a partition is loaded. */
export const TEMP_SUFFIXES: readonly string[] = ['.deleted', '.cleaned', '.swap', '.tmp'];

const OFFSET_NAME = /^(\d{20})\.(log|index|timeindex)$/;

/** 42 -> "00000000000000000042" */
export function offsetFileStem(offset: number): string {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`bad base offset ${offset}`);
  return String(offset).padStart(20, '0');
}

export function segmentPaths(dir: string, baseOffset: number): { log: string; index: string; timeIndex: string } {
  const stem = path.join(dir, offsetFileStem(baseOffset));
  return { log: stem + LOG_SUFFIX, index: stem + INDEX_SUFFIX, timeIndex: stem + TIME_INDEX_SUFFIX };
}

/** Parses a segment file name; null when it is not one of ours. */
export function parseSegmentFileName(name: string): { baseOffset: number; kind: 'log' | 'index' | 'timeindex' } | null {
  const m = OFFSET_NAME.exec(name);
  if (m === null) return null;
  const baseOffset = Number(m[1]);
  if (!Number.isSafeInteger(baseOffset)) return null;
  return { baseOffset, kind: m[2] as 'log' | 'index' | 'timeindex' };
}

export function partitionDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** "my-topic-3" -> { topic: "my-topic", partition: 3 }; null when the name is not a partition dir. */
export function parsePartitionDirName(name: string): { topic: string; partition: number } | null {
  const dash = name.lastIndexOf('-');
  if (dash <= 0) return null;
  const digits = name.slice(dash + 1);
  if (!/^\d{1,10}$/.test(digits)) return null;
  const partition = Number(digits);
  if (partition > 0x7fffffff) return null;
  return { topic: name.slice(0, dash), partition };
}

/** Kafka's name for a replica being moved into a log dir (AlterReplicaLogDirs): `<topic>-<partition>.<id>-future`. */
export const FUTURE_DIR_SUFFIX = '-future';

/** `<topic>-<partition>.<id><suffix>`: a future log (`-future`) or a log being deleted (`-delete`). */
export function suffixedDirName(topic: string, partition: number, uniqueId: string, suffix: string): string {
  return `${partitionDirName(topic, partition)}.${uniqueId}${suffix}`;
}

/** Parses `<topic>-<partition>.<id><suffix>`; null when `name` is not one. */
export function parseSuffixedDirName(name: string, suffix: string): { topic: string; partition: number; uniqueId: string } | null {
  if (!name.endsWith(suffix)) return null;
  const stem = name.slice(0, name.length - suffix.length);
  const dot = stem.lastIndexOf('.');
  if (dot <= 0) return null;
  const tp = parsePartitionDirName(stem.slice(0, dot));
  const uniqueId = stem.slice(dot + 1);
  if (tp === null || !/^[0-9a-f]{32}$/.test(uniqueId)) return null;
  return { ...tp, uniqueId };
}
