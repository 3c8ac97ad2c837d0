/**
 * Test support for the raft core's unit tests: a log held in memory that applies the core's
 * append and truncate outputs and serves its reads (no snapshots).
 */
import type { RaftLogReader } from '../raft/core-context.js';
import type { RaftOutput } from '../raft/steps.js';
import type { Entry } from '../raft/types.js';

export class MemLog implements RaftLogReader {
  log: Entry[] = [];
  entries(from: number, max: number): readonly Entry[] {
    return this.log.slice(from, from + max);
  }
  snapshotChunk(): undefined {
    return undefined;
  }
  apply(outputs: readonly RaftOutput[]): void {
    for (const o of outputs) {
      if (o.kind === 'append') this.log.push(...o.entries);
      if (o.kind === 'truncate') this.log.length = o.endOffset;
    }
  }
}
