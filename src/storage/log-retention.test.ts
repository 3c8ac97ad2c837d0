import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Clock, Timer } from '../io/clock.js';
import { realFileSystem as fs } from '../io/real-file-system.js';
import { OffsetOutOfRangeError } from './errors.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from './log-config.js';
import { PartitionLog } from './partition-log.js';
import { makeBatch } from './test-batches.js';
import { TempDirs } from './test-dirs.js';

class ManualClock implements Clock {
  constructor(public now: number) {}
  nowMs(): number {
    return this.now;
  }
  setTimer(_delayMs: number, _fn: () => void): Timer {
    return { cancel() {} };
  }
}

const T0 = 1_700_000_000_000;
const cfg = (over: Partial<LogConfig> = {}): LogConfig => ({ ...DEFAULT_LOG_CONFIG, fileDeleteDelayMs: 0, ...over });

async function files(dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).map((e) => e.name).filter((n) => n.endsWith('.log')).sort();
}

describe('storage/retention and DeleteRecords', () => {
  const temp = new TempDirs();
  afterEach(() => temp.cleanup());

  async function open(over: Partial<LogConfig>, clock: Clock, dir?: string): Promise<PartitionLog> {
    return PartitionLog.open(fs, dir ?? path.join(await temp.make(), 't-0'), cfg(over), { clock });
  }

  /** 10 batches of one record, ~100 bytes each; batch i has timestamp T0 + i * 1000. */
  async function fill(log: PartitionLog, n = 10, from = 0): Promise<void> {
    for (let i = from; i < from + n; i++) await log.append(makeBatch({ payloadBytes: 40, maxTimestamp: T0 + i * 1000, seed: i }), 0);
  }

  it('deletes segments past retention.ms by their largest timestamp, and advances the log start offset', async () => {
    const clock = new ManualClock(T0 + 10_000);
    const log = await open({ segmentBytes: 250, retentionMs: 5_500 }, clock);
    await fill(log);
    assert.ok(log.segmentCount >= 4);
    const deleted = await log.deleteOldSegments();
    assert.ok(deleted > 0);
    // Every remaining segment but the first holds a record at most 5.5 s old; nothing below the start survives.
    const first = log.segmentList()[0]!;
    assert.equal(log.logStartOffset, first.baseOffset);
    assert.ok(first.maxTimestampSoFar >= T0 + 10_000 - 5_500);
    assert.deepEqual(await log.read(0, 1 << 20, true), { kind: 'outOfRange' });
    const r = await log.read(log.logStartOffset, 1 << 20, true);
    assert.equal(r.kind, 'ok');
    assert.equal(log.logEndOffset, 10);
    assert.equal((await files(log.dir)).length, log.segmentCount);
    await log.close();
  });

  it('deletes the active segment too when everything expired, leaving an empty log at the end offset', async () => {
    const clock = new ManualClock(T0 + 1_000_000);
    const log = await open({ segmentBytes: 250, retentionMs: 1000 }, clock);
    await fill(log);
    await log.deleteOldSegments();
    assert.equal(log.segmentCount, 1);
    assert.equal(log.logStartOffset, 10);
    assert.equal(log.logEndOffset, 10);
    assert.equal(log.sizeInBytes, 0);
    assert.deepEqual(await files(log.dir), ['00000000000000000010.log']);
    assert.deepEqual(await log.append(makeBatch({ maxTimestamp: T0 + 1_000_000 }), 0), { firstOffset: 10, lastOffset: 10, batchCount: 1 });
    await log.close();
    const again = await PartitionLog.open(fs, log.dir, cfg({ segmentBytes: 250 }), { clock, hadCleanShutdown: true });
    assert.equal(again.logStartOffset, 10);
    assert.equal(again.logEndOffset, 11);
    await again.close();
  });

  it('keeps the log under retention.bytes by deleting the oldest whole segments', async () => {
    const clock = new ManualClock(T0);
    const log = await open({ segmentBytes: 250, retentionBytes: 500 }, clock);
    await fill(log, 30);
    await log.deleteOldSegments();
    // Kafka's rule: delete oldest segments while the log stays at or above retention.bytes without them.
    assert.ok(log.sizeInBytes <= 500 + 250, `size ${log.sizeInBytes}`);
    assert.ok(log.sizeInBytes - log.segmentList()[0]!.committedBytes < 500, 'kept a segment it could delete');
    assert.equal(log.logStartOffset, log.segmentList()[0]!.baseOffset);
    await log.close();
  });

  it('does not apply time/size retention when cleanup.policy has no delete', async () => {
    const clock = new ManualClock(T0 + 1_000_000);
    const log = await open({ segmentBytes: 250, retentionMs: 1, retentionBytes: 1, cleanupDelete: false, cleanupCompact: true }, clock);
    await fill(log);
    const n = log.segmentCount;
    assert.equal(await log.deleteOldSegments(), 0);
    assert.equal(log.segmentCount, n);
    await log.close();
  });

  it('DeleteRecords moves the start offset mid-segment, deletes whole segments below it, and survives reopen via the caller', async () => {
    const clock = new ManualClock(T0);
    const log = await open({ segmentBytes: 250 }, clock);
    await fill(log);
    const before = log.segmentCount;
    assert.equal(await log.deleteRecordsBefore(5), 5);
    assert.equal(log.logStartOffset, 5);
    assert.ok(log.segmentCount < before);
    assert.ok(log.segmentList()[0]!.baseOffset <= 5);
    assert.deepEqual(await log.read(4, 1000, true), { kind: 'outOfRange' });
    assert.equal((await log.read(5, 1000, true)).kind, 'ok');
    assert.equal(await log.deleteRecordsBefore(3), 5, 'a lower offset changes nothing');
    await assert.rejects(log.deleteRecordsBefore(11), OffsetOutOfRangeError);
    assert.equal(await log.deleteRecordsBefore(10), 10);
    assert.equal(log.logStartOffset, 10);
    await log.close();
  });

  it('applies a new config live (segment.bytes, retention.ms)', async () => {
    const clock = new ManualClock(T0 + 100_000);
    const log = await open({}, clock);
    await fill(log, 5);
    assert.equal(log.segmentCount, 1);
    log.updateConfig(cfg({ segmentBytes: 250 }));
    await fill(log, 5, 5);
    assert.ok(log.segmentCount > 1);
    log.updateConfig(cfg({ segmentBytes: 250, retentionMs: 1 }));
    await log.deleteOldSegments();
    assert.equal(log.logStartOffset, 10);
    await log.close();
  });

  it('LogAppendTime stamps maxTimestamp and the timestamp-type bit, with a valid CRC', async () => {
    const clock = new ManualClock(T0 + 42);
    const log = await open({ logAppendTime: true }, clock);
    const batch = makeBatch({ maxTimestamp: 5 });
    const r = await log.append(batch, 0);
    assert.equal(r.logAppendTimeMs, T0 + 42);
    const read = await log.read(0, 1000, true);
    assert.equal(read.kind, 'ok');
    if (read.kind !== 'ok') return;
    assert.equal(Number(read.records.readBigInt64BE(35)), T0 + 42);
    assert.equal(read.records.readInt16BE(21) & 0x08, 0x08);
    const { batchError } = await import('./batch-validation.js');
    assert.equal(batchError(read.records, 0, read.records.length), null);
    assert.equal(log.maxTimestampAndOffset()?.timestamp, T0 + 42);
    await log.close();
  });

  it('a segment removed while a read holds it stays readable until the read ends', async () => {
    const clock = new ManualClock(T0 + 1_000_000);
    const log = await open({ segmentBytes: 250, retentionMs: 1000, fileDeleteDelayMs: 0 }, clock);
    await fill(log);
    const seg = log.segmentList()[0]!;
    seg.pin();
    const deleting = log.deleteOldSegments();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(seg.isOpen, true);
    const buf = Buffer.alloc(10);
    assert.equal(await seg.fileHandle().read(buf, 0, 10, 0), 10);
    seg.unpin();
    await deleting;
    assert.equal(seg.isOpen, false);
    await log.close();
  });
});
