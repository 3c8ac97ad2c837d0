/**
 * Kafka's asynchronous segment delete: a segment leaving the log (retention, DeleteRecords,
 * compaction, truncation) has its files renamed `.deleted` at once (a restart removes leftovers)
 * and removed after file.delete.delay.ms, once no read still uses the segment.
 *
 * Invariant: the rename is durable (dir fsync) before schedule() resolves, so a crash never brings
 * a deleted segment back into the log.
 */
import type { Clock, Timer } from '../io/clock.js';
import type { FileSystem } from '../io/file-system.js';
import type { LogSegment } from './log-segment.js';

const DELETED_SUFFIX = '.deleted';
const INT32_MAX = 0x7fffffff;

interface PendingDelete {
  timer: Timer | null;
  run(): Promise<void>;
}

export class SegmentDeleter {
  private readonly pending = new Set<PendingDelete>();

  constructor(
    private readonly fs: FileSystem,
    private readonly dir: string,
    private readonly clock: Clock,
    /** file.delete.delay.ms in force (read at each delete: it may change). */
    private readonly delayMs: () => number,
    private readonly onError: (message: string) => void,
  ) {}

  async schedule(seg: LogSegment): Promise<void> {
    seg.retired = true;
    const renamed: string[] = [];
    for (const p of [seg.paths.log, seg.paths.index, seg.paths.timeIndex]) {
      if (!(await this.fs.exists(p))) continue;
      await this.fs.rename(p, p + DELETED_SUFFIX);
      renamed.push(p + DELETED_SUFFIX);
    }
    await this.fs.syncDir(this.dir);
    const entry: PendingDelete = {
      timer: null,
      run: async (): Promise<void> => {
        this.pending.delete(entry);
        await seg.closeWhenUnused();
        for (const p of renamed) await this.fs.rm(p);
      },
    };
    this.pending.add(entry);
    const delay = this.delayMs();
    if (delay === 0) {
      await entry.run();
      return;
    }
    entry.timer = this.clock.setTimer(Math.min(delay, INT32_MAX), () => {
      entry.timer = null;
      entry.run().catch((err: unknown) => {
        // Leftover .deleted files are removed at the next load; the log itself is unaffected.
        this.onError(`removing ${seg.paths.log}.deleted: ${(err as Error).message}`);
      });
    });
  }

  /** At close: every pending delete runs now (a file left behind is removed by the next load). */
  async runAll(): Promise<void> {
    for (const d of [...this.pending]) {
      d.timer?.cancel();
      await d.run().catch(() => undefined);
    }
  }
}
