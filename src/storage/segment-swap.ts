/**
 * The compaction swap protocol's shared half: the file suffixes, and the loader side that completes
 * a swap a crash interrupted. The cleaner (log-cleaner.ts) writes `<base>.log.cleaned`, fsyncs it
 * and renames it `<base>.log.swap` (the commit point); the loader (log-loader.ts) finishes any swap
 * it finds. Kept apart from both so that neither imports the other.
 */
import * as path from 'node:path';
import type { FileSystem } from '../io/file-system.js';
import { scanBatches } from './segment-scanner.js';

export const CLEANED_SUFFIX = '.cleaned';
export const SWAP_SUFFIX = '.swap';

/**
 * Loader side of the swap protocol: completes an interrupted swap. `<base>.log.swap` is whole (it
 * was fsynced before the rename that created it), so every segment it covers is removed and it
 * becomes `<base>.log`. Returns notes for the operator's log.
 */
export async function completeSwap(fs: FileSystem, dir: string, swapName: string, logBases: readonly number[], segmentPathsOf: (base: number) => { log: string; index: string; timeIndex: string }): Promise<string[]> {
  const notes: string[] = [];
  const base = Number(swapName.slice(0, 20));
  const swapPath = path.join(dir, swapName);
  const fh = await fs.open(swapPath, { create: false });
  let lastOffset = base - 1;
  try {
    const size = await fh.size();
    await scanBatches(fh, 0, size, (b) => {
      lastOffset = Number(b.chunk.readBigInt64BE(b.at)) + b.chunk.readInt32BE(b.at + 23);
      return true;
    });
  } finally {
    await fh.close();
  }
  for (const b of logBases) {
    if (b < base || b > lastOffset) continue;
    const p = segmentPathsOf(b);
    for (const f of [p.log, p.index, p.timeIndex]) await fs.rm(f);
    notes.push(`removed segment ${b} replaced by an interrupted compaction swap`);
  }
  const target = segmentPathsOf(base);
  await fs.rm(target.index);
  await fs.rm(target.timeIndex);
  await fs.rename(swapPath, target.log);
  await fs.syncDir(dir);
  notes.push(`completed interrupted compaction swap ${swapName}`);
  return notes;
}
