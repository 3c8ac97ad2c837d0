import assert from 'node:assert/strict';
import * as path from 'node:path';
import { realFileSystem as fs } from '../io/real-file-system.js';
import { DEFAULT_LOG_CONFIG } from '../storage/log-config.js';
import { PartitionLog } from '../storage/partition-log.js';
import { makeBatch } from '../storage/test-batches.js';
import { TempDirs } from '../storage/test-dirs.js';
import { Partition, type AppendOutcome } from './partition.js';

describe('partition/Partition', () => {
  const temp = new TempDirs();
  afterEach(() => temp.cleanup());

  async function open(): Promise<Partition> {
    const log = await PartitionLog.open(fs, path.join(await temp.make(), 't-0'), DEFAULT_LOG_CONFIG);
    return new Partition('t', 0, 'AAECAwQFBgcICQoLDA0ODw', log, 0, false, 1_000_000);
  }

  it('a prechecked append keeps its place: appends asked for later get later offsets, a refused one takes none', async () => {
    const p = await open();
    let letCheckFinish!: () => void;
    const slowCheck = new Promise<void>((r) => (letCheckFinish = r));
    const order: string[] = [];
    const first = p.appendFromClient(makeBatch({ records: 2 }), 1, null, 0, async () => {
      await slowCheck;
      order.push('first checked');
      return null;
    });
    const refused = p.appendFromClient(makeBatch({ records: 5 }), 1, null, 0, async () => ({ kind: 'rejected', errorCode: 87, message: 'no key' }));
    const plain = p.appendFromClient(makeBatch({ records: 3 }), 1, null, 0);
    await new Promise((r) => setImmediate(r));
    assert.equal(p.logEndOffset, 0, 'nothing is appended while the first batch is being checked');
    letCheckFinish();
    const outcomes: AppendOutcome[] = await Promise.all([first, refused, plain]);
    assert.deepEqual(order, ['first checked']);
    assert.deepEqual(outcomes.map((o) => (o.kind === 'appended' ? [o.baseOffset, o.lastOffset] : o.kind)), [[0, 1], 'rejected', [2, 4]]);
    // With no check waiting, appends take the direct path again.
    const after = await p.appendFromClient(makeBatch({ records: 1 }), 1, null, 0);
    assert.equal(after.kind === 'appended' ? after.baseOffset : -1, 5);
    await p.log.close();
  });
});
