/**
 * Per-partition log settings, named after Kafka's topic configs (segment.bytes, segment.ms,
 * index.interval.bytes, segment.index.bytes, flush.messages, flush.ms, retention.ms,
 * retention.bytes, cleanup.policy, file.delete.delay.ms, message.timestamp.type and the compaction
 * keys) with units last. A PartitionLog's config can be replaced while it runs (updateConfig):
 * AlterConfigs takes effect without a restart.
 *
 * Invariant: a config that reaches a PartitionLog has passed `checkLogConfig`; "never" for the flush
 * policy is any value at or above NEVER_MS / a non-safe count (Kafka's Long.MAX_VALUE default).
 */
export interface LogConfig {
  /** segment.bytes: roll when the active segment would grow past this. At most 2^31-1 (int32 positions). */
  segmentBytes: number;
  /** segment.ms: roll when the active segment's first batch is older than this. */
  segmentMs: number;
  /** index.interval.bytes: one offset/time index entry per this many bytes appended. */
  indexIntervalBytes: number;
  /** segment.index.bytes: roll when an index would grow past this. */
  maxIndexBytes: number;
  /** flush.messages: fsync when this many messages are unflushed. */
  flushIntervalMessages: number;
  /** flush.ms: fsync data at most this long after it was appended. */
  flushIntervalMs: number;
  /** retention.ms: delete a segment once its largest timestamp is older than this; -1 = forever. */
  retentionMs: number;
  /** retention.bytes: delete oldest segments while the log exceeds this; -1 = unlimited. */
  retentionBytes: number;
  /** cleanup.policy contains delete: time/size retention applies. */
  cleanupDelete: boolean;
  /** cleanup.policy contains compact: the cleaner keeps the latest value per key. */
  cleanupCompact: boolean;
  /** file.delete.delay.ms: how long a deleted segment's files linger (as `.deleted`) before removal. */
  fileDeleteDelayMs: number;
  /** message.timestamp.type: LogAppendTime makes the broker stamp each batch at append. */
  logAppendTime: boolean;
  /** delete.retention.ms: how long a tombstone survives compaction (measured from its timestamp). */
  deleteRetentionMs: number;
  /** min.cleanable.dirty.ratio: compact once dirty bytes / all cleanable bytes reach this. */
  minCleanableDirtyRatio: number;
  /** min.compaction.lag.ms: a record stays uncompacted at least this long. */
  minCompactionLagMs: number;
  /** max.compaction.lag.ms: a dirty segment older than this is compacted whatever the ratio. */
  maxCompactionLagMs: number;
}

const INT32_MAX = 0x7fffffff;

/** Kafka's Long.MAX_VALUE stand-in: flush intervals this large are "never". */
export const NEVER = Number.MAX_SAFE_INTEGER;

/** Kafka's broker defaults (log.segment.bytes = 1 GiB, log.roll.hours = 168, ...). */
export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  indexIntervalBytes: 4096,
  maxIndexBytes: 10 * 1024 * 1024,
  flushIntervalMessages: NEVER,
  flushIntervalMs: NEVER,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: -1,
  cleanupDelete: true,
  cleanupCompact: false,
  fileDeleteDelayMs: 60_000,
  logAppendTime: false,
  deleteRetentionMs: 24 * 60 * 60 * 1000,
  minCleanableDirtyRatio: 0.5,
  minCompactionLagMs: 0,
  maxCompactionLagMs: NEVER,
});

/** Throws naming the first bad field; storage relies on these bounds (int32 file positions). */
export function checkLogConfig(c: LogConfig): void {
  checkRange('segmentBytes', c.segmentBytes, 14, INT32_MAX);
  checkRange('segmentMs', c.segmentMs, 1, Number.MAX_SAFE_INTEGER);
  checkRange('indexIntervalBytes', c.indexIntervalBytes, 0, INT32_MAX);
  // 24: room for two time index entries (one is reserved for the entry written at seal time).
  checkRange('maxIndexBytes', c.maxIndexBytes, 24, INT32_MAX);
  checkRange('flushIntervalMessages', c.flushIntervalMessages, 1, Number.MAX_SAFE_INTEGER);
  checkRange('flushIntervalMs', c.flushIntervalMs, 0, Number.MAX_SAFE_INTEGER);
  checkRange('retentionMs', c.retentionMs, -1, Number.MAX_SAFE_INTEGER);
  checkRange('retentionBytes', c.retentionBytes, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  checkRange('fileDeleteDelayMs', c.fileDeleteDelayMs, 0, Number.MAX_SAFE_INTEGER);
  checkRange('deleteRetentionMs', c.deleteRetentionMs, 0, Number.MAX_SAFE_INTEGER);
  checkRange('minCompactionLagMs', c.minCompactionLagMs, 0, Number.MAX_SAFE_INTEGER);
  checkRange('maxCompactionLagMs', c.maxCompactionLagMs, 1, Number.MAX_SAFE_INTEGER);
  if (!(c.minCleanableDirtyRatio >= 0 && c.minCleanableDirtyRatio <= 1)) {
    throw new RangeError(`LogConfig.minCleanableDirtyRatio must be in [0, 1], got ${c.minCleanableDirtyRatio}`);
  }
}

function checkRange(name: string, v: number, min: number, max: number): void {
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    throw new RangeError(`LogConfig.${name} must be an integer in [${min}, ${max}], got ${v}`);
  }
}

/** setTimeout cannot wait longer than int32 ms, and such an interval means "never" in practice. */
export function flushTimerEnabled(c: LogConfig): boolean {
  return c.flushIntervalMs < INT32_MAX;
}
