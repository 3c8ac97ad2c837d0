import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, appendFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realFileSystem } from '../io/real-file-system.js';
import { appendAbortedTxn, decodeAbortedTxns, encodeAbortedTxn, readAbortedTxns, txnIndexPath } from './transaction-index.js';

describe('transaction index (.txnindex)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'txnindex-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes Kafka\'s 34-byte entries and reads back those in range, sorted by marker offset', async () => {
    const e = (producerId: bigint, firstOffset: number, lastOffset: number) => ({ producerId, firstOffset, lastOffset, lastStableOffset: firstOffset });
    await appendAbortedTxn(realFileSystem, dir, 100, e(2n, 120, 130));
    await appendAbortedTxn(realFileSystem, dir, 0, e(1n, 5, 9));
    await appendAbortedTxn(realFileSystem, dir, 0, e(3n, 40, 50));
    const raw = readFileSync(txnIndexPath(dir, 0));
    assert.equal(raw.length, 68);
    assert.equal(raw.readInt16BE(0), 0);
    assert.equal(raw.readBigInt64BE(2), 1n);
    assert.deepEqual((await readAbortedTxns(realFileSystem, dir, 0, 1000)).map((t) => t.lastOffset), [9, 50, 130]);
    assert.deepEqual((await readAbortedTxns(realFileSystem, dir, 10, 100)).map((t) => t.producerId), [3n]);
  });

  it('ignores a torn last entry and overwrites it on the next append; drops files wholly below the start', async () => {
    appendFileSync(txnIndexPath(dir, 100), Buffer.alloc(10, 0));
    assert.equal(decodeAbortedTxns(readFileSync(txnIndexPath(dir, 100))).length, 1);
    await appendAbortedTxn(realFileSystem, dir, 100, { producerId: 4n, firstOffset: 140, lastOffset: 150, lastStableOffset: 140 });
    assert.equal(readFileSync(txnIndexPath(dir, 100)).length, 68);
    assert.deepEqual((await readAbortedTxns(realFileSystem, dir, 100, 1000)).map((t) => t.lastOffset), [130, 150]);
    assert.equal(existsSync(txnIndexPath(dir, 0)), false, 'every entry of segment 0 lies below the start offset');
    assert.equal(encodeAbortedTxn({ producerId: 1n, firstOffset: 1, lastOffset: 2, lastStableOffset: 1 }).length, 34);
  });
});
