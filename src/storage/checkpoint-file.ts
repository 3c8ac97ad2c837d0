/**
 * Kafka's offset checkpoint text format, used for `recovery-point-offset-checkpoint` and
 * `log-start-offset-checkpoint` in each log dir:
 *
 *   0                       <- version
 *   2                       <- entry count
 *   my-topic 0 1234         <- topic partition offset (topic names have no spaces)
 *   my-topic 1 99
 *
 * Invariant: files are replaced atomically (temp + fsync + rename + dir fsync), so a crash leaves the
 * previous checkpoint or the new one, never a torn one.
 */
import type { FileSystem } from '../io/file-system.js';

export interface CheckpointEntry {
  topic: string;
  partition: number;
  offset: number;
}

export function formatCheckpoint(entries: readonly CheckpointEntry[]): Buffer {
  const lines = ['0', String(entries.length)];
  for (const e of entries) lines.push(`${e.topic} ${e.partition} ${e.offset}`);
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}

/** Parses a checkpoint; throws with the reason when it is malformed. */
export function parseCheckpoint(text: string): CheckpointEntry[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines[0] !== '0') throw new Error(`unsupported checkpoint version "${lines[0] ?? ''}"`);
  const count = Number(lines[1]);
  if (!Number.isSafeInteger(count) || count < 0) throw new Error(`bad checkpoint entry count "${lines[1] ?? ''}"`);
  if (lines.length !== count + 2) throw new Error(`checkpoint declares ${count} entries but has ${lines.length - 2}`);
  return lines.slice(2).map(parseEntry);
}

function parseEntry(line: string): CheckpointEntry {
  const m = /^(\S+) (\d+) (-?\d+)$/.exec(line);
  if (m === null) throw new Error(`bad checkpoint line "${line}"`);
  const partition = Number(m[2]);
  const offset = Number(m[3]);
  if (!Number.isSafeInteger(offset) || partition > 0x7fffffff) throw new Error(`bad checkpoint line "${line}"`);
  return { topic: m[1]!, partition, offset };
}

/** Reads a checkpoint as a map keyed `<topic>-<partition>`; a missing file is an empty map. */
export async function readCheckpoint(fs: FileSystem, file: string): Promise<Map<string, number>> {
  const map = new Map<string, number>();
  if (!(await fs.exists(file))) return map;
  for (const e of parseCheckpoint((await fs.readFile(file)).toString('utf8'))) map.set(`${e.topic}-${e.partition}`, e.offset);
  return map;
}

export function writeCheckpoint(fs: FileSystem, file: string, entries: readonly CheckpointEntry[]): Promise<void> {
  return fs.writeFileAtomic(file, formatCheckpoint(entries));
}
