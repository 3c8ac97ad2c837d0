import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Clock, Timer } from '../io/clock.js';
import { realFileSystem as fs } from '../io/real-file-system.js';
import { buildRecordBatch } from '../protocol/records/record-batch-builder.js';
import { batchPositions, decodeRecordBatch } from '../protocol/records/record-batch-reader.js';
import { CompressionType } from '../protocol/records/batch-header.js';
import { cleanLog } from './log-cleaner.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from './log-config.js';
import { PartitionLog } from './partition-log.js';
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
const cfg = (over: Partial<LogConfig> = {}): LogConfig => ({
  ...DEFAULT_LOG_CONFIG, fileDeleteDelayMs: 0, cleanupCompact: true, cleanupDelete: false, minCleanableDirtyRatio: 0, segmentBytes: 400, ...over,
});

interface Rec { offset: number; key: string | null; value: string | null }

async function readRecords(log: PartitionLog): Promise<Rec[]> {
  const out: Rec[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const r = await log.read(offset, 1 << 20, true);
    if (r.kind !== 'ok' || r.records.length === 0) break;
    let next = offset;
    for (const pos of batchPositions(r.records)) {
      const { header, records } = await decodeRecordBatch(r.records, pos);
      for (const rec of records) {
        const o = header.baseOffset + rec.offsetDelta;
        if (o >= offset) out.push({ offset: o, key: rec.key?.toString() ?? null, value: rec.value?.toString() ?? null });
      }
      next = header.baseOffset + header.lastOffsetDelta + 1;
    }
    offset = next;
  }
  return out;
}

describe('storage/LogCleaner', () => {
  const temp = new TempDirs();
  afterEach(() => temp.cleanup());

  async function produce(log: PartitionLog, recs: readonly { key: string; value: string | null; ts?: number }[], compression = CompressionType.None): Promise<void> {
    for (const r of recs) {
      await log.append(await buildRecordBatch({ baseOffset: 0, compression, records: [{ key: r.key, value: r.value, timestamp: r.ts ?? T0 }] }), 0);
    }
  }

  it('keeps the latest value per key at its original offset, drops old tombstones, never touches the active segment', async () => {
    const clock = new ManualClock(T0 + 10 * 86_400_000);
    const log = await PartitionLog.open(fs, path.join(await temp.make(), 'c-0'), cfg({ deleteRetentionMs: 86_400_000 }), { clock });
    const recs: { key: string; value: string | null; ts?: number }[] = [];
    for (let round = 0; round < 5; round++) for (let k = 0; k < 4; k++) recs.push({ key: `k${k}`, value: `v${k}-${round}` });
    recs.push({ key: 'k1', value: null }); // old tombstone (T0): removed
    recs.push({ key: 'k2', value: null, ts: clock.now }); // fresh tombstone: kept
    recs.push({ key: 'k3', value: 'v3-last' });
    await produce(log, recs, CompressionType.Gzip);
    const activeBase = log.segmentList().at(-1)!.baseOffset;
    const before = await readRecords(log);
    const r = await cleanLog(fs, log, clock.now);
    assert.equal(r.cleaned, true);
    const after = await readRecords(log);
    const inActive = (x: Rec): boolean => x.offset >= activeBase;
    assert.deepEqual(after.filter(inActive), before.filter(inActive), 'active segment untouched');
    const cleaned = after.filter((x) => !inActive(x));
    // Kafka's offset map covers the cleanable range only (below the active segment).
    const latest = new Map<string, Rec>();
    for (const x of before) if (x.key !== null && !inActive(x)) latest.set(x.key, x);
    for (const x of cleaned) {
      assert.equal(latest.get(x.key!)?.offset, x.offset, `only the latest of ${x.key} survives (offset ${x.offset})`);
    }
    // k1's tombstone was older than delete.retention.ms: gone, unless it sits in the active segment.
    const k1 = latest.get('k1')!;
    if (!inActive(k1)) assert.equal(after.some((x) => x.key === 'k1'), false);
    assert.ok(log.logEndOffset === before.length);
    assert.ok(log.segmentCount < 20);
    // Reopen (clean and unclean): same records.
    await log.close();
    for (const clean of [true, false]) {
      const again = await PartitionLog.open(fs, log.dir, cfg(), { clock, hadCleanShutdown: clean });
      assert.deepEqual(await readRecords(again), after);
      await again.close();
    }
  });

  it('respects min.cleanable.dirty.ratio and min.compaction.lag.ms', async () => {
    const clock = new ManualClock(T0 + 1000);
    const log = await PartitionLog.open(fs, path.join(await temp.make(), 'c-0'), cfg({ minCleanableDirtyRatio: 0.5 }), { clock });
    const recs = Array.from({ length: 20 }, (_, i) => ({ key: `k${i % 3}`, value: `v${i}` }));
    await produce(log, recs);
    assert.equal((await cleanLog(fs, log, clock.now)).cleaned, true);
    // Everything below the active segment is clean now: nothing dirty.
    assert.equal((await cleanLog(fs, log, clock.now)).cleaned, false);
    log.updateConfig(cfg({ minCompactionLagMs: 60_000 }));
    await produce(log, recs, CompressionType.None);
    const r = await cleanLog(fs, log, clock.now);
    assert.equal(r.cleaned, false, 'records younger than min.compaction.lag.ms stay');
    await log.close();
  });

  it('a restart completes an interrupted swap (crash after the .swap rename)', async () => {
    const clock = new ManualClock(T0);
    const dir = path.join(await temp.make(), 'c-0');
    const log = await PartitionLog.open(fs, dir, cfg(), { clock });
    await produce(log, Array.from({ length: 12 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })));
    const expected = await readRecords(log);
    const segs = log.segmentList();
    assert.ok(segs.length >= 3);
    await log.close();
    // Simulate the cleaner's commit point for the first two segments: their bytes as one swap file.
    const a = await fs.readFile(segs[0]!.paths.log);
    const b = await fs.readFile(segs[1]!.paths.log);
    const fh = await fs.open(segs[0]!.paths.log + '.swap', { create: true });
    await fh.write(Buffer.concat([a, b]), 0);
    await fh.close();
    const again = await PartitionLog.open(fs, dir, cfg(), { clock, hadCleanShutdown: true });
    assert.ok(again.recoveryNotes.some((n) => /swap/.test(n)), again.recoveryNotes.join('; '));
    assert.equal(again.segmentCount, segs.length - 1);
    assert.deepEqual(await readRecords(again), expected);
    await again.close();
  });
});
