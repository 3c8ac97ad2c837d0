import assert from 'node:assert/strict';
import * as path from 'node:path';
import { realFileSystem as fs } from '../io/real-file-system.js';
import { InvalidBatchesError } from './errors.js';
import { LEADER_EPOCH_CHECKPOINT, LeaderEpochCache, formatEpochCheckpoint, parseEpochCheckpoint } from './leader-epoch-cache.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from './log-config.js';
import { PartitionLog } from './partition-log.js';
import { makeBatch } from './test-batches.js';
import { TempDirs } from './test-dirs.js';

const cfg = (over: Partial<LogConfig> = {}): LogConfig => ({ ...DEFAULT_LOG_CONFIG, ...over });

/** Every batch of the log as (baseOffset, lastOffset, epoch). */
async function batchesOf(log: PartitionLog): Promise<[number, number, number][]> {
  const out: [number, number, number][] = [];
  let offset = log.logStartOffset;
  for (let round = 0; round < 1000 && offset < log.logEndOffset; round++) {
    const r = await log.read(offset, 1 << 24, true);
    if (r.kind !== 'ok' || r.records.length === 0) break;
    for (let at = 0; at + 61 <= r.records.length; at += r.records.readInt32BE(at + 8) + 12) {
      const base = Number(r.records.readBigInt64BE(at));
      const last = base + r.records.readInt32BE(at + 23);
      out.push([base, last, r.records.readInt32BE(at + 12)]);
      offset = last + 1;
    }
  }
  return out;
}

describe('storage/LeaderEpochCache', () => {
  it("writes and parses Kafka's leader-epoch-checkpoint text", () => {
    const text = formatEpochCheckpoint([{ epoch: 0, startOffset: 0 }, { epoch: 3, startOffset: 1042 }]).toString();
    assert.equal(text, '0\n2\n0 0\n3 1042\n');
    assert.deepEqual(parseEpochCheckpoint(text), [{ epoch: 0, startOffset: 0 }, { epoch: 3, startOffset: 1042 }]);
    assert.throws(() => parseEpochCheckpoint('1\n0\n'), /version/);
    assert.throws(() => parseEpochCheckpoint('0\n2\n0 0\n'), /declares 2/);
  });

  it("answers endOffsetFor as Kafka's cache does", () => {
    const c = LeaderEpochCache.inMemory([{ epoch: 1, startOffset: 0 }, { epoch: 3, startOffset: 10 }, { epoch: 6, startOffset: 20 }]);
    assert.deepEqual(c.endOffsetFor(6, 25), { epoch: 6, endOffset: 25 }, 'latest epoch: the log end');
    assert.deepEqual(c.endOffsetFor(3, 25), { epoch: 3, endOffset: 20 });
    assert.deepEqual(c.endOffsetFor(4, 25), { epoch: 3, endOffset: 20 }, 'unknown epoch between: the floor epoch, the next start');
    assert.deepEqual(c.endOffsetFor(0, 25), { epoch: 0, endOffset: 0 }, 'below all: the first start');
    assert.deepEqual(c.endOffsetFor(7, 25), { epoch: -1, endOffset: -1 });
    assert.deepEqual(c.endOffsetFor(-1, 25), { epoch: -1, endOffset: -1 });
    assert.equal(c.epochForOffset(15), 3);
  });

  it('keeps entries monotone on assign and truncates from either end', () => {
    const c = LeaderEpochCache.inMemory([{ epoch: 1, startOffset: 0 }, { epoch: 3, startOffset: 10 }]);
    assert.equal(c.assign(3, 12), false, 'same epoch, later start: nothing to record');
    assert.equal(c.assign(2, 5), true, 'an older epoch drops the later entries');
    assert.deepEqual(c.list(), [{ epoch: 1, startOffset: 0 }, { epoch: 2, startOffset: 5 }]);
    c.assign(4, 9);
    c.truncateFromEnd(9);
    assert.deepEqual(c.list(), [{ epoch: 1, startOffset: 0 }, { epoch: 2, startOffset: 5 }]);
    c.truncateFromStart(7);
    assert.deepEqual(c.list(), [{ epoch: 2, startOffset: 7 }]);
  });
});

describe('storage/PartitionLog replication paths', () => {
  const dirs = new TempDirs();
  afterEach(() => dirs.cleanup());

  it('records each new leader epoch on append and persists the checkpoint across a reopen', async () => {
    const dir = await dirs.make();
    const log = await PartitionLog.open(fs, dir, cfg());
    await log.append(makeBatch({ records: 3 }), 0);
    await log.append(makeBatch({ records: 2 }), 0);
    await log.append(makeBatch({ records: 1 }), 2);
    assert.deepEqual(log.epochs.list(), [{ epoch: 0, startOffset: 0 }, { epoch: 2, startOffset: 5 }]);
    assert.equal((await fs.readFile(path.join(dir, LEADER_EPOCH_CHECKPOINT))).toString(), '0\n2\n0 0\n2 5\n');
    await log.close();
    const again = await PartitionLog.open(fs, dir, cfg());
    assert.deepEqual(again.epochs.list(), [{ epoch: 0, startOffset: 0 }, { epoch: 2, startOffset: 5 }]);
    await again.close();
  });

  it("appends as follower keeping the leader's offsets and epochs, refusing a gap below the end or a bad CRC", async () => {
    const leader = await PartitionLog.open(fs, await dirs.make(), cfg());
    const follower = await PartitionLog.open(fs, await dirs.make(), cfg());
    await leader.append(makeBatch({ records: 2, seed: 1 }), 4);
    await leader.append(makeBatch({ records: 3, seed: 2 }), 7);
    const r = await leader.read(0, 1 << 20, true);
    assert.ok(r.kind === 'ok');
    await follower.appendAsFollower(Buffer.from(r.records));
    assert.deepEqual(await batchesOf(follower), [[0, 1, 4], [2, 4, 7]]);
    assert.deepEqual(follower.epochs.list(), [{ epoch: 4, startOffset: 0 }, { epoch: 7, startOffset: 2 }]);
    await assert.rejects(follower.appendAsFollower(Buffer.from(r.records)), InvalidBatchesError, 'offsets below the log end');
    const corrupt = Buffer.from(r.records);
    corrupt[corrupt.length - 1]! ^= 0xff;
    await follower.truncateTo(0);
    await assert.rejects(follower.appendAsFollower(corrupt), /CRC32C/);
    await leader.close();
    await follower.close();
  });

  it('truncateTo drops whole batches, later segments, epochs, and the log keeps appending after it', async () => {
    const dir = await dirs.make();
    const log = await PartitionLog.open(fs, dir, cfg({ segmentBytes: 300, indexIntervalBytes: 1 }));
    for (let i = 0; i < 12; i++) await log.append(makeBatch({ records: 2, seed: i, payloadBytes: 40 }), i < 6 ? 1 : 2);
    await log.flush();
    assert.ok(log.segmentCount > 3);
    await log.truncateTo(13); // inside the batch 12..13
    assert.equal(log.logEndOffset, 12);
    assert.equal(log.recoveryPoint, 12);
    assert.deepEqual(log.epochs.list(), [{ epoch: 1, startOffset: 0 }], 'epoch 2 started at 12: nothing of it is left');
    assert.deepEqual((await batchesOf(log)).map((b) => b[0]), [0, 2, 4, 6, 8, 10]);
    await log.append(makeBatch({ records: 1, seed: 99 }), 3);
    assert.deepEqual((await batchesOf(log)).slice(-1), [[12, 12, 3]]);
    await log.close();
    const again = await PartitionLog.open(fs, dir, cfg({ segmentBytes: 300, indexIntervalBytes: 1 }));
    assert.equal(again.logEndOffset, 13);
    assert.deepEqual(again.epochs.list(), [{ epoch: 1, startOffset: 0 }, { epoch: 3, startOffset: 12 }]);
    await again.close();
  });

  it('truncateFullyAndStartAt empties the log and restarts it at the offset', async () => {
    const log = await PartitionLog.open(fs, await dirs.make(), cfg());
    for (let i = 0; i < 3; i++) await log.append(makeBatch({ records: 2, seed: i }), 0);
    await log.truncateFullyAndStartAt(40);
    assert.deepEqual([log.logStartOffset, log.logEndOffset, log.epochs.list().length], [40, 40, 0]);
    assert.deepEqual((await log.read(0, 100, true)).kind, 'outOfRange');
    await log.append(makeBatch({ records: 2 }), 5);
    assert.deepEqual(await batchesOf(log), [[40, 41, 5]]);
    await log.close();
  });
});
