/**
 * Kafka's LeaderEpochFileCache: for each leader epoch seen in this log, the first offset written in
 * it, persisted as `leader-epoch-checkpoint` in the partition directory, in Kafka's text format:
 *
 *   0            <- version
 *   2            <- entry count
 *   0 0          <- epoch startOffset
 *   3 1042
 *
 * It answers OffsetForLeaderEpoch (endOffsetFor) and drives follower truncation (KIP-101, KIP-279).
 *
 * Invariants: epochs and start offsets both strictly increase along the entries (assign drops the
 * entries a new one contradicts, as Kafka's maybeTruncateNonMonotonicEntries); the file is replaced
 * atomically (temp + fsync + rename + dir fsync), and writes are serialized so the last one holds
 * the newest entries.
 */
import * as path from 'node:path';
import type { FileSystem } from '../io/file-system.js';

export const LEADER_EPOCH_CHECKPOINT = 'leader-epoch-checkpoint';
export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1;

export interface EpochEntry {
  readonly epoch: number;
  readonly startOffset: number;
}

export function formatEpochCheckpoint(entries: readonly EpochEntry[]): Buffer {
  const lines = ['0', String(entries.length), ...entries.map((e) => `${e.epoch} ${e.startOffset}`)];
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}

/** Parses the checkpoint text; throws with the reason when it is malformed. */
export function parseEpochCheckpoint(text: string): EpochEntry[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines[0] !== '0') throw new Error(`unsupported leader-epoch-checkpoint version "${lines[0] ?? ''}"`);
  const count = Number(lines[1]);
  if (!Number.isSafeInteger(count) || count < 0 || lines.length !== count + 2) throw new Error(`leader-epoch-checkpoint declares ${lines[1] ?? '?'} entries but has ${lines.length - 2}`);
  return lines.slice(2).map((line) => {
    const m = /^(\d+)\s+(\d+)$/.exec(line);
    if (m === null) throw new Error(`bad leader-epoch-checkpoint line "${line}"`);
    return { epoch: Number(m[1]), startOffset: Number(m[2]) };
  });
}

export class LeaderEpochCache {
  private entries: EpochEntry[];
  private writes: Promise<void> = Promise.resolve();

  private constructor(
    private readonly fs: FileSystem | null,
    readonly file: string,
    entries: EpochEntry[],
  ) {
    this.entries = entries;
  }

  /** Reads `dir/leader-epoch-checkpoint` (a missing file is an empty cache). `fs` null: memory only. */
  static async load(fs: FileSystem | null, dir: string): Promise<LeaderEpochCache> {
    const file = path.join(dir, LEADER_EPOCH_CHECKPOINT);
    const entries = fs !== null && (await fs.exists(file)) ? parseEpochCheckpoint((await fs.readFile(file)).toString('utf8')) : [];
    return new LeaderEpochCache(fs, file, entries);
  }

  static inMemory(entries: EpochEntry[] = []): LeaderEpochCache {
    return new LeaderEpochCache(null, '', [...entries]);
  }

  list(): readonly EpochEntry[] {
    return this.entries;
  }

  /** The latest epoch, UNDEFINED_EPOCH (-1) when none is known. */
  get latestEpoch(): number {
    return this.entries[this.entries.length - 1]?.epoch ?? UNDEFINED_EPOCH;
  }

  latestEntry(): EpochEntry | undefined {
    return this.entries[this.entries.length - 1];
  }

  /**
   * Records that `epoch` starts at `startOffset` unless the latest entry already says so (same
   * epoch, not a later start). Entries with an epoch >= it or a start offset >= it are dropped
   * first. Returns whether the cache changed (the caller persists it).
   */
  assign(epoch: number, startOffset: number): boolean {
    if (epoch < 0 || startOffset < 0) throw new RangeError(`invalid leader epoch entry (${epoch}, ${startOffset})`);
    const latest = this.latestEntry();
    if (latest !== undefined && latest.epoch === epoch && startOffset >= latest.startOffset) return false;
    let keep = this.entries.length;
    while (keep > 0 && (this.entries[keep - 1]!.epoch >= epoch || this.entries[keep - 1]!.startOffset >= startOffset)) keep--;
    this.entries = [...this.entries.slice(0, keep), { epoch, startOffset }];
    return true;
  }

  /** Kafka's endOffsetFor: (epoch, end offset) of the largest epoch <= `requested`; see the cases. */
  endOffsetFor(requested: number, logEndOffset: number): { epoch: number; endOffset: number } {
    const undefinedAnswer = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    if (requested === UNDEFINED_EPOCH) return undefinedAnswer;
    // The latest epoch is still being written: it ends at the log end.
    if (this.latestEpoch === requested) return { epoch: requested, endOffset: logEndOffset };
    const higher = this.entries.find((e) => e.epoch > requested);
    if (higher === undefined) return undefinedAnswer;
    const floor = [...this.entries].reverse().find((e) => e.epoch <= requested);
    // Below every known epoch: what remains starts at the first later epoch's start.
    return { epoch: floor === undefined ? requested : floor.epoch, endOffset: higher.startOffset };
  }

  /** The epoch of the record at `offset` (the last entry starting at or below it), -1 if none. */
  epochForOffset(offset: number): number {
    let found = UNDEFINED_EPOCH;
    for (const e of this.entries) {
      if (e.startOffset > offset) break;
      found = e.epoch;
    }
    return found;
  }

  /** Drops the entries starting at or after `endOffset` (the log was truncated to it). */
  truncateFromEnd(endOffset: number): boolean {
    const before = this.entries.length;
    if (endOffset >= 0) this.entries = this.entries.filter((e) => e.startOffset < endOffset);
    return this.entries.length !== before;
  }

  /** The log now starts at `startOffset`: entries wholly below it go, the one covering it starts there. */
  truncateFromStart(startOffset: number): boolean {
    let covering = -1;
    for (let i = 0; i < this.entries.length && this.entries[i]!.startOffset <= startOffset; i++) covering = i;
    if (covering < 0 || (covering === 0 && this.entries[0]!.startOffset === startOffset)) return false;
    const first = this.entries[covering]!;
    this.entries = [{ epoch: first.epoch, startOffset }, ...this.entries.slice(covering + 1)];
    return true;
  }

  clear(): void {
    this.entries = [];
  }

  /** Writes the current entries (atomically); resolves once this state, or a newer one, is on disk. */
  persist(): Promise<void> {
    const fs = this.fs;
    if (fs === null) return Promise.resolve();
    const run = this.writes.then(() => fs.writeFileAtomic(this.file, formatEpochCheckpoint(this.entries)));
    this.writes = run.catch(() => undefined);
    return run;
  }
}
