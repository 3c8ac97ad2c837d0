/**
 * A roll flushes the log up to the new segment (Kafka's roll schedules flushUptoOffsetExclusive):
 * a power loss after the roll keeps the rolled segment's data, so recovery never finds the new
 * segment after an emptied old one (a hole in the log). Runs on the simulated disk of the
 * replication simulator, which keeps only synced bytes across a crash.
 */
import assert from 'node:assert/strict';
import { Prng } from '../testing/raft-sim/prng.js';
import { SimDisk } from '../testing/replication-sim/sim-file-system.js';
import { DEFAULT_LOG_CONFIG } from './log-config.js';
import { PartitionLog } from './partition-log.js';
import { makeBatch } from './test-batches.js';

const drain = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('storage/roll flush', () => {
  it('a power loss after a roll keeps every rolled segment (found by the replication simulator)', async () => {
    const disk = new SimDisk();
    const config = { ...DEFAULT_LOG_CONFIG, segmentBytes: 400 };
    const log = await PartitionLog.open(disk.view(), '/d/t-0', config);
    for (let i = 0; i < 20; i++) await log.append(makeBatch({ seed: i }), 0);
    await drain();
    assert.ok(log.segmentCount > 3, `rolled ${log.segmentCount - 1} times`);
    const rolledUpTo = log.activeSegmentBaseOffset;
    // Power loss, no flush asked for (a follower never asks): the unsynced tail is lost entirely.
    disk.crash(new Prng(1));
    const after = await PartitionLog.open(disk.view(), '/d/t-0', config);
    assert.ok(after.logEndOffset >= rolledUpTo, `recovered to ${after.logEndOffset}, the rolls had reached ${rolledUpTo}`);
    const r = await after.read(0, 1 << 20, true);
    assert.equal(r.kind, 'ok');
    assert.equal(r.kind === 'ok' ? Number(r.records.readBigInt64BE(0)) : -1, 0, 'the log still starts with offset 0');
    await after.close();
  });
});
