/**
 * Recovery tests in the manner of Kafka's LogLoaderTest: damage the files the way a crash or a bad
 * disk would, reopen, and check that exactly the whole valid batches before the damage survive.
 * A "crash" is a log that is never closed: its active segment's indexes were never written.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { realFileSystem as fs } from '../io/real-file-system.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from './log-config.js';
import { PartitionLog } from './partition-log.js';
import { makeBatch } from './test-batches.js';
import { CountingFileSystem, TempDirs } from './test-dirs.js';

const config: LogConfig = { ...DEFAULT_LOG_CONFIG, segmentBytes: 1000, indexIntervalBytes: 100 };
const seg0 = '00000000000000000000';

async function readEverything(log: PartitionLog): Promise<Buffer> {
  const parts: Buffer[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const r = await log.read(offset, 1 << 20, true);
    if (r.kind !== 'ok') throw new Error(`outOfRange at ${offset}`);
    let at = 0;
    while (at < r.records.length) {
      const size = r.records.readInt32BE(at + 8) + 12;
      assert.ok(at + size <= r.records.length, 'a whole-log read must end on a batch boundary');
      offset = Number(r.records.readBigInt64BE(at)) + r.records.readInt32BE(at + 23) + 1;
      at += size;
    }
    parts.push(r.records);
  }
  return Buffer.concat(parts);
}

async function patchFile(file: string, position: number, bytes: Buffer): Promise<void> {
  const fh = await fs.open(file, { create: false });
  await fh.write(bytes, position);
  await fh.close();
}

async function truncateFile(file: string, size: number): Promise<void> {
  const fh = await fs.open(file, { create: false });
  await fh.truncate(size);
  await fh.close();
}

async function fileSize(file: string): Promise<number> {
  const fh = await fs.open(file, { create: false });
  const n = await fh.size();
  await fh.close();
  return n;
}

describe('storage/recovery', () => {
  const temp = new TempDirs();
  afterEach(() => temp.cleanup());

  /** Writes `n` batches of 2 records (100 bytes each); returns the dir, the batches and the log. */
  async function writeLog(n: number, close: boolean): Promise<{ dir: string; batches: Buffer[]; log: PartitionLog }> {
    const dir = path.join(await temp.make(), 'orders-0');
    const writer = new CountingFileSystem();
    const log = await PartitionLog.open(writer, dir, config);
    const batches: Buffer[] = [];
    for (let i = 0; i < n; i++) {
      const b = makeBatch({ records: 2, seed: i, payloadBytes: 39, maxTimestamp: 1000 + i });
      batches.push(b);
      await log.append(b, 0);
    }
    if (close) {
      await log.close();
    } else {
      await log.flush();
      await writer.crash();
    }
    return { dir, batches, log };
  }

  it('drops garbage appended to the active segment after a crash', async () => {
    const { dir, batches } = await writeLog(5, false);
    const file = path.join(dir, `${seg0}.log`);
    await patchFile(file, 500, Buffer.from('this is not a record batch at all, just junk bytes'));
    const log = await PartitionLog.open(fs, dir, config);
    assert.equal(log.logEndOffset, 10);
    assert.equal(await fileSize(file), 500);
    assert.deepEqual(await readEverything(log), Buffer.concat(batches));
    assert.equal(log.recoveryNotes.length, 1);
    await log.close();
  });

  it('drops a batch truncated mid-way', async () => {
    const { dir, batches } = await writeLog(5, false);
    const file = path.join(dir, `${seg0}.log`);
    await truncateFile(file, 450);
    const log = await PartitionLog.open(fs, dir, config);
    assert.equal(log.logEndOffset, 8);
    assert.deepEqual(await readEverything(log), Buffer.concat(batches.slice(0, 4)));
    // The log keeps working after recovery.
    assert.deepEqual(await log.append(makeBatch(), 0), { firstOffset: 8, lastOffset: 8, batchCount: 1 });
    await log.close();
  });

  it('stops at a batch whose CRC fails and deletes the segments after it', async () => {
    const { dir, batches } = await writeLog(25, false); // 3 segments: 0, 20, 40
    const seg1 = path.join(dir, '00000000000000000020.log');
    assert.equal(await fs.exists(path.join(dir, '00000000000000000040.log')), true);
    // Flip a record byte of the 3rd batch in segment 20 (batch 12 overall).
    await patchFile(seg1, 2 * 100 + 70, Buffer.from([0xff]));
    const log = await PartitionLog.open(fs, dir, config, { recoveryPoint: 0 });
    assert.equal(log.logEndOffset, 24);
    assert.equal(await fs.exists(path.join(dir, '00000000000000000040.log')), false);
    assert.equal(await fs.exists(path.join(dir, '00000000000000000040.index')), false);
    assert.deepEqual(await readEverything(log), Buffer.concat(batches.slice(0, 12)));
    await log.close();
  });

  it('recovers only from the recovery point: earlier segments are trusted', async () => {
    const { dir, batches } = await writeLog(25, false);
    await truncateFile(path.join(dir, '00000000000000000040.log'), 150);
    const log = await PartitionLog.open(fs, dir, config, { recoveryPoint: 40 });
    assert.equal(log.logEndOffset, 42);
    assert.deepEqual(await readEverything(log), Buffer.concat(batches.slice(0, 21)));
    await log.close();
  });

  it('rebuilds a deleted .index after a clean shutdown', async () => {
    const { dir, batches } = await writeLog(25, true);
    const index = path.join(dir, `${seg0}.index`);
    const before = await fs.readFile(index);
    assert.ok(before.length > 0);
    await fs.rm(index);
    const log = await PartitionLog.open(fs, dir, config, { hadCleanShutdown: true });
    assert.equal(log.logEndOffset, 50);
    assert.deepEqual(await fs.readFile(index), before);
    assert.deepEqual(await readEverything(log), Buffer.concat(batches));
    await log.close();
  });

  it('rebuilds a corrupted .index (non-monotonic, past the log, bad size)', async () => {
    const corruptions: [string, (f: string) => Promise<void>][] = [
      ['non-monotonic', (f) => patchFile(f, 0, Buffer.from([0, 0, 0, 9, 0, 0, 3, 0, 0, 0, 0, 1, 0, 0, 0, 1]))],
      ['past the log', (f) => patchFile(f, 0, Buffer.from([0, 0, 0, 1, 0x7f, 0, 0, 0]))],
      ['bad size', async (f) => patchFile(f, (await fileSize(f)), Buffer.from([1, 2, 3]))],
    ];
    for (const [what, corrupt] of corruptions) {
      const { dir, batches } = await writeLog(25, true);
      const index = path.join(dir, `${seg0}.index`);
      const before = await fs.readFile(index);
      await corrupt(index);
      const log = await PartitionLog.open(fs, dir, config, { hadCleanShutdown: true });
      assert.equal(log.logEndOffset, 50, what);
      assert.deepEqual(await fs.readFile(index), before, what);
      assert.deepEqual(await readEverything(log), Buffer.concat(batches), what);
      assert.ok(log.recoveryNotes.some((n) => n.includes('rebuilding indexes')), what);
      await log.close();
    }
  });

  it('rebuilds a corrupted .timeindex and still finds timestamps', async () => {
    const { dir, batches } = await writeLog(8, true);
    await patchFile(path.join(dir, `${seg0}.timeindex`), 0, Buffer.alloc(24, 0xee));
    const log = await PartitionLog.open(fs, dir, config, { hadCleanShutdown: true });
    assert.deepEqual(await log.findBatchByTimestamp(1005), batches[5]);
    assert.deepEqual(log.maxTimestampAndOffset(), { timestamp: 1007, offset: 15 });
    await log.close();
  });

  it('checks the last segment tail even after a clean shutdown', async () => {
    const { dir, batches } = await writeLog(5, true);
    const file = path.join(dir, `${seg0}.log`);
    const junk = makeBatch({ seed: 77 });
    junk.writeUInt8(junk.readUInt8(junk.length - 1) ^ 0x01, junk.length - 1); // whole-looking, bad CRC
    await patchFile(file, 500, junk);
    const log = await PartitionLog.open(fs, dir, config, { hadCleanShutdown: true });
    assert.equal(log.logEndOffset, 10);
    assert.equal(await fileSize(file), 500);
    assert.deepEqual(await readEverything(log), Buffer.concat(batches));
    await log.close();
  });

  it('recovers an active segment that crashed after a roll, with no index files at all', async () => {
    const { dir, batches } = await writeLog(23, false);
    await fs.rm(path.join(dir, '00000000000000000040.index'));
    await fs.rm(path.join(dir, '00000000000000000040.timeindex'));
    const log = await PartitionLog.open(fs, dir, config);
    assert.equal(log.logEndOffset, 46);
    assert.deepEqual(await readEverything(log), Buffer.concat(batches));
    assert.equal(await fs.exists(path.join(dir, '00000000000000000040.index')), true);
    await log.close();
  });

  it('keeps an empty log empty and starts a segment at the log start offset', async () => {
    const dir = path.join(await temp.make(), 'e-0');
    const log = await PartitionLog.open(fs, dir, config, { logStartOffset: 0 });
    assert.equal(log.logEndOffset, 0);
    await log.close();
    const again = await PartitionLog.open(fs, dir, config);
    assert.equal(again.logEndOffset, 0);
    assert.deepEqual(await again.read(0, 100, true), { kind: 'ok', records: Buffer.alloc(0) });
    await again.close();
  });
});
