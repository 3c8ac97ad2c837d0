import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Clock, Timer } from '../io/clock.js';
import { realFileSystem as fs } from '../io/real-file-system.js';
import { InvalidBatchesError, LogClosedError, RecordBatchTooLargeError } from './errors.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from './log-config.js';
import { PartitionLog } from './partition-log.js';
import { makeBatch } from './test-batches.js';
import { CountingFileSystem, TempDirs } from './test-dirs.js';

const cfg = (over: Partial<LogConfig> = {}): LogConfig => ({ ...DEFAULT_LOG_CONFIG, ...over });

function baseOffsetOf(batch: Buffer, at = 0): number {
  return Number(batch.readBigInt64BE(at));
}

async function readAll(log: PartitionLog, from = 0): Promise<Buffer> {
  const parts: Buffer[] = [];
  let offset = from;
  while (offset < log.logEndOffset) {
    const r = await log.read(offset, 1 << 20, true);
    assert.equal(r.kind, 'ok');
    if (r.kind !== 'ok' || r.records.length === 0) break;
    parts.push(r.records);
    // Advance past the last whole batch returned.
    let at = 0;
    let next = offset;
    while (at + 61 <= r.records.length) {
      const size = r.records.readInt32BE(at + 8) + 12;
      if (at + size > r.records.length) break;
      next = baseOffsetOf(r.records, at) + r.records.readInt32BE(at + 23) + 1;
      at += size;
    }
    parts[parts.length - 1] = r.records.subarray(0, at);
    offset = next;
  }
  return Buffer.concat(parts);
}

describe('storage/PartitionLog', () => {
  const temp = new TempDirs();
  afterEach(() => temp.cleanup());

  async function openLog(over: Partial<LogConfig> = {}, dir?: string): Promise<PartitionLog> {
    return PartitionLog.open(fs, dir ?? path.join(await temp.make(), 'topic-0'), cfg(over));
  }

  it('round-trips one batch and patches baseOffset and leader epoch in place', async () => {
    const log = await openLog();
    const batch = makeBatch({ records: 3, seed: 1 });
    const r = await log.append(batch, 7);
    assert.deepEqual(r, { firstOffset: 0, lastOffset: 2, batchCount: 1 });
    assert.equal(batch.readInt32BE(12), 7);
    assert.equal(log.logEndOffset, 3);
    const read = await log.read(0, 1 << 20, false);
    assert.deepEqual(read, { kind: 'ok', records: batch });
    assert.equal(log.sizeInBytes, batch.length);
    await log.close();
  });

  it('assigns consecutive offsets across appends and within a multi-batch append', async () => {
    const log = await openLog();
    assert.deepEqual(await log.append(makeBatch({ records: 3 }), 0), { firstOffset: 0, lastOffset: 2, batchCount: 1 });
    assert.deepEqual(await log.append(makeBatch({ records: 1 }), 0), { firstOffset: 3, lastOffset: 3, batchCount: 1 });
    const multi = Buffer.concat([makeBatch({ records: 2 }), makeBatch({ records: 4 }), makeBatch({ records: 1 })]);
    assert.deepEqual(await log.append(multi, 0), { firstOffset: 4, lastOffset: 10, batchCount: 3 });
    const size = makeBatch({ records: 2 }).length;
    assert.equal(baseOffsetOf(multi, 0), 4);
    assert.equal(baseOffsetOf(multi, size), 6);
    assert.equal(baseOffsetOf(multi, size * 2), 10);
    assert.equal(log.logEndOffset, 11);
    await log.close();
  });

  it('gives concurrent appends offsets and file order in call order', async () => {
    const log = await openLog({ segmentBytes: 4096 });
    const batches = Array.from({ length: 200 }, (_, i) => makeBatch({ records: 1 + (i % 3), seed: i, payloadBytes: 10 + (i % 50) }));
    const results = await Promise.all(batches.map((b) => log.append(b, 1)));
    let expected = 0;
    for (const [i, r] of results.entries()) {
      assert.equal(r.firstOffset, expected);
      expected += 1 + (i % 3);
      assert.equal(r.lastOffset, expected - 1);
    }
    assert.equal(log.logEndOffset, expected);
    assert.ok(log.segmentCount > 1);
    assert.deepEqual(await readAll(log), Buffer.concat(batches));
    await log.close();
  });

  it('rolls by segment size, names files by base offset, and reads across segments', async () => {
    const dir = path.join(await temp.make(), 'my.topic_x-y-12');
    const log = await openLog({ segmentBytes: 300 }, dir);
    const batches: Buffer[] = [];
    for (let i = 0; i < 10; i++) {
      const b = makeBatch({ records: 2, seed: i, payloadBytes: 39 }); // 100 bytes each
      batches.push(b);
      await log.append(b, 0);
    }
    const names = (await fs.readdir(dir)).map((e) => e.name).filter((n) => n.endsWith('.log')).sort();
    assert.deepEqual(names, [
      '00000000000000000000.log',
      '00000000000000000006.log',
      '00000000000000000012.log',
      '00000000000000000018.log',
    ]);
    for (let offset = 0; offset < 20; offset++) {
      const r = await log.read(offset, 100, false);
      assert.equal(r.kind, 'ok');
      if (r.kind === 'ok') assert.deepEqual(r.records, batches[Math.floor(offset / 2)]);
    }
    // A large maxBytes stays within one segment (Kafka's LogSegment.read).
    const r = await log.read(0, 1 << 20, false);
    assert.equal(r.kind === 'ok' ? r.records.length : -1, 300);
    assert.deepEqual(await readAll(log), Buffer.concat(batches));
    await log.close();
  });

  it('reads from the start of the batch holding a middle offset, using a dense index', async () => {
    const log = await openLog({ indexIntervalBytes: 1 });
    const batches: Buffer[] = [];
    for (let i = 0; i < 50; i++) {
      const b = makeBatch({ records: 5, seed: i, payloadBytes: i });
      batches.push(b);
      await log.append(b, 0);
    }
    for (let offset = 0; offset < 250; offset++) {
      const r = await log.read(offset, 1, true);
      assert.equal(r.kind, 'ok');
      if (r.kind === 'ok') assert.deepEqual(r.records, batches[Math.floor(offset / 5)]);
    }
    await log.close();
  });

  it('cuts the last batch at maxBytes and honours minOneMessage', async () => {
    const log = await openLog();
    const a = makeBatch({ payloadBytes: 100, seed: 1 });
    const b = makeBatch({ payloadBytes: 100, seed: 2 });
    await log.append(a, 0);
    await log.append(b, 0);
    const cut = await log.read(0, a.length + 10, false);
    assert.deepEqual(cut, { kind: 'ok', records: Buffer.concat([a, b.subarray(0, 10)]) });
    const one = await log.read(0, 10, true);
    assert.deepEqual(one, { kind: 'ok', records: a });
    const partial = await log.read(0, 10, false);
    assert.deepEqual(partial, { kind: 'ok', records: a.subarray(0, 10) });
    const none = await log.read(1, 0, false);
    assert.deepEqual(none, { kind: 'ok', records: Buffer.alloc(0) });
    await log.close();
  });

  it('answers outOfRange below the log start and above the log end, empty at the log end', async () => {
    const log = await openLog();
    await log.append(makeBatch({ records: 2 }), 0);
    assert.deepEqual(await log.read(3, 100, true), { kind: 'outOfRange' });
    assert.deepEqual(await log.read(-1, 100, true), { kind: 'outOfRange' });
    assert.deepEqual(await log.read(2, 100, true), { kind: 'ok', records: Buffer.alloc(0) });
    await log.close();
  });

  it('reopens after close with the same log end offset and bytes', async () => {
    const dir = path.join(await temp.make(), 't-0');
    const log = await openLog({ segmentBytes: 500, indexIntervalBytes: 50 }, dir);
    const batches = Array.from({ length: 30 }, (_, i) => makeBatch({ records: 2, seed: i, maxTimestamp: 1000 + i }));
    for (const b of batches) await log.append(b, 3);
    await log.close();
    assert.equal(await fs.exists(path.join(dir, '00000000000000000000.index')), true);
    for (const clean of [true, false]) {
      const again = await PartitionLog.open(fs, dir, cfg({ segmentBytes: 500, indexIntervalBytes: 50 }), { hadCleanShutdown: clean });
      assert.deepEqual(again.recoveryNotes, []);
      assert.equal(again.logEndOffset, 60);
      assert.equal(again.recoveryPoint, 60);
      assert.deepEqual(await readAll(again), Buffer.concat(batches));
      assert.deepEqual(again.maxTimestampAndOffset(), { timestamp: 1029, offset: 59 });
      await again.close();
    }
    const more = await PartitionLog.open(fs, dir, cfg({ segmentBytes: 500, indexIntervalBytes: 50 }), { hadCleanShutdown: true });
    assert.deepEqual(await more.append(makeBatch({ seed: 99 }), 4), { firstOffset: 60, lastOffset: 60, batchCount: 1 });
    await more.close();
  });

  it('finds the first batch at or after a timestamp through the time index', async () => {
    const dir = path.join(await temp.make(), 't-0');
    const log = await openLog({ indexIntervalBytes: 0, segmentBytes: 400 }, dir);
    const stamps = [100, 200, 150, 300, 250, 400, 50, 500];
    const batches = stamps.map((ts, i) => makeBatch({ maxTimestamp: ts, seed: i }));
    for (const b of batches) await log.append(b, 0);
    const check = async (l: PartitionLog): Promise<void> => {
      assert.deepEqual(await l.findBatchByTimestamp(0), batches[0]);
      assert.deepEqual(await l.findBatchByTimestamp(150), batches[1]);
      assert.deepEqual(await l.findBatchByTimestamp(201), batches[3]);
      assert.deepEqual(await l.findBatchByTimestamp(260), batches[3]);
      assert.deepEqual(await l.findBatchByTimestamp(301), batches[5]);
      assert.deepEqual(await l.findBatchByTimestamp(450), batches[7]);
      assert.equal(await l.findBatchByTimestamp(501), null);
      assert.deepEqual(l.maxTimestampAndOffset(), { timestamp: 500, offset: 7 });
    };
    await check(log);
    await log.close();
    const again = await PartitionLog.open(fs, dir, cfg({ indexIntervalBytes: 0, segmentBytes: 400 }), { hadCleanShutdown: true });
    await check(again);
    await again.close();
  });

  it('reports no max timestamp for an empty log', async () => {
    const log = await openLog();
    assert.equal(log.maxTimestampAndOffset(), null);
    assert.equal(await log.findBatchByTimestamp(0), null);
    await log.close();
  });

  it('shares one fsync among concurrent flush callers (group commit)', async () => {
    const counting = new CountingFileSystem();
    const dir = path.join(await temp.make(), 't-0');
    const log = await PartitionLog.open(counting, dir, cfg());
    const logFile = path.join(dir, '00000000000000000000.log');
    const appends: Promise<unknown>[] = [];
    const flushes: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      appends.push(log.append(makeBatch({ seed: i }), 0));
      flushes.push(log.flush());
    }
    await Promise.all([...appends, ...flushes]);
    assert.equal(log.recoveryPoint, 50);
    const syncs = counting.datasyncs.get(logFile) ?? 0;
    assert.ok(syncs >= 1 && syncs <= 2, `expected 1-2 datasyncs, got ${syncs}`);
    await log.flush();
    await log.close();
  });

  it('flushes every N messages with flushIntervalMessages', async () => {
    const log = await openLog({ flushIntervalMessages: 1 });
    await log.append(makeBatch({ records: 4 }), 0);
    assert.equal(log.recoveryPoint, 4);
    await log.close();
  });

  it('flushes after flushIntervalMs through the clock', async () => {
    const timers: { delay: number; fn: () => void }[] = [];
    const clock: Clock = {
      nowMs: () => 0,
      setTimer: (delay, fn): Timer => {
        timers.push({ delay, fn });
        return { cancel: () => undefined };
      },
    };
    const log = await PartitionLog.open(fs, path.join(await temp.make(), 't-0'), cfg({ flushIntervalMs: 1000 }), { clock });
    await log.append(makeBatch({ records: 2 }), 0);
    assert.equal(log.recoveryPoint, 0);
    assert.equal(timers.length, 1);
    assert.equal(timers[0]!.delay, 1000);
    timers[0]!.fn();
    await log.flush();
    assert.equal(log.recoveryPoint, 2);
    await log.close();
  });

  it('rolls by segment.ms using record timestamps', async () => {
    const dir = path.join(await temp.make(), 't-0');
    const log = await openLog({ segmentMs: 1000 }, dir);
    await log.append(makeBatch({ maxTimestamp: 10_000 }), 0);
    await log.append(makeBatch({ maxTimestamp: 10_500 }), 0);
    assert.equal(log.segmentCount, 1);
    await log.append(makeBatch({ maxTimestamp: 11_001 }), 0);
    assert.equal(log.segmentCount, 2);
    assert.equal(await fs.exists(path.join(dir, '00000000000000000002.log')), true);
    await log.close();
  });

  it('rejects malformed input, oversized batches and appends after close', async () => {
    const log = await openLog({ segmentBytes: 200 });
    await assert.rejects(log.append(Buffer.alloc(70), 0), InvalidBatchesError);
    const b = makeBatch();
    await assert.rejects(log.append(Buffer.concat([b, b.subarray(0, 20)]), 0), InvalidBatchesError);
    await assert.rejects(log.append(makeBatch({ payloadBytes: 300 }), 0), RecordBatchTooLargeError);
    assert.equal(log.logEndOffset, 0);
    await log.close();
    await assert.rejects(log.append(makeBatch(), 0), LogClosedError);
  });

  it('delete() removes the directory', async () => {
    const dir = path.join(await temp.make(), 't-0');
    const log = await openLog({}, dir);
    await log.append(makeBatch(), 0);
    await log.delete();
    assert.equal(await fs.exists(dir), false);
  });
});
