import assert from 'node:assert/strict';
import { formatCheckpoint, parseCheckpoint } from './checkpoint-file.js';
import { offsetFileStem, parsePartitionDirName, parseSegmentFileName } from './file-names.js';
import { GroupCommit } from './group-commit.js';
import { readInt64, writeInt64 } from './int64.js';
import { OffsetIndex } from './offset-index.js';
import { formatPartitionMetadata, parsePartitionMetadata } from './partition-metadata.js';
import { TimeIndex } from './time-index.js';

describe('storage formats', () => {
  it('names segment files with 20-digit base offsets', () => {
    assert.equal(offsetFileStem(0), '00000000000000000000');
    assert.equal(offsetFileStem(1234567), '00000000000001234567');
    assert.deepEqual(parseSegmentFileName('00000000000001234567.timeindex'), { baseOffset: 1234567, kind: 'timeindex' });
    assert.equal(parseSegmentFileName('1234.log'), null);
  });

  it('parses <topic>-<partition> by the last dash', () => {
    assert.deepEqual(parsePartitionDirName('a-b.c_d-12'), { topic: 'a-b.c_d', partition: 12 });
    assert.equal(parsePartitionDirName('a-b.0123-delete'), null);
    assert.equal(parsePartitionDirName('-3'), null);
  });

  it('round-trips Kafka checkpoint files and rejects malformed ones', () => {
    const entries = [
      { topic: 'x-y', partition: 0, offset: 10 },
      { topic: 'z', partition: 7, offset: 0 },
    ];
    const text = formatCheckpoint(entries).toString();
    assert.equal(text, '0\n2\nx-y 0 10\nz 7 0\n');
    assert.deepEqual(parseCheckpoint(text), entries);
    assert.throws(() => parseCheckpoint('0\n3\nx 0 1\n'));
    assert.throws(() => parseCheckpoint('1\n0\n'));
  });

  it('round-trips partition.metadata', () => {
    const id = 'vRaFqv2XT0qqCcT0ws5wTg';
    assert.equal(parsePartitionMetadata(formatPartitionMetadata(id).toString()), id);
  });

  it('writes int64 without BigInt, including negatives', () => {
    const buf = Buffer.alloc(8);
    for (const v of [0, 1, -1, 2 ** 40 + 5, -(2 ** 50), Number.MAX_SAFE_INTEGER]) {
      writeInt64(buf, 0, v);
      assert.equal(buf.readBigInt64BE(0), BigInt(v));
      assert.equal(readInt64(buf, 0), v);
    }
  });

  it('offset index: floor lookups, monotonic appends, load checks', () => {
    const idx = new OffsetIndex(100, 1000);
    for (let i = 1; i <= 200; i++) idx.append(100 + i * 3, i * 50);
    assert.equal(idx.lookupPosition(99), 0);
    assert.equal(idx.lookupPosition(102), 0);
    assert.equal(idx.lookupPosition(103), 50);
    assert.equal(idx.lookupPosition(105), 50);
    assert.equal(idx.lookupPosition(100 + 600), 200 * 50);
    assert.throws(() => idx.append(100 + 600, 20_000));
    const copy = new OffsetIndex(100, 1000);
    assert.equal(copy.load(idx.bytesFrom(0), 1_000_000), null);
    assert.equal(copy.entries, 200);
    assert.match(new OffsetIndex(100, 1000).load(idx.bytesFrom(0), 500) ?? '', /past the log/);
    assert.match(new OffsetIndex(100, 1000).load(Buffer.alloc(7), 500) ?? '', /multiple of 8/);
  });

  it('time index: keeps only growing timestamps, reserves the sealing slot', () => {
    const idx = new TimeIndex(0, 3);
    idx.maybeAppend(10, 1);
    idx.maybeAppend(10, 2);
    idx.maybeAppend(5, 3);
    assert.equal(idx.entries, 1);
    idx.maybeAppend(20, 4);
    assert.equal(idx.isFull, true);
    idx.maybeAppend(30, 9, true);
    assert.deepEqual(idx.lastEntry(), { timestamp: 30, offset: 9 });
    assert.equal(idx.offsetBefore(10), 0);
    assert.equal(idx.offsetBefore(11), 1);
    assert.equal(idx.offsetBefore(31), 9);
  });

  it('group commit: one round runs, later callers share the next one', async () => {
    let rounds = 0;
    let release: () => void = () => undefined;
    const gc = new GroupCommit(async () => {
      rounds++;
      await new Promise<void>((r) => (release = r));
    });
    const first = gc.request();
    const joiners = [gc.request(), gc.request(), gc.request()];
    assert.equal(rounds, 1);
    release();
    await first;
    await Promise.resolve();
    await new Promise<void>((r) => queueMicrotask(r));
    // The queued round starts once the first settles; all three joiners share it.
    while (rounds < 2) await Promise.resolve();
    release();
    await Promise.all(joiners);
    assert.equal(rounds, 2);
  });
});
