import assert from 'node:assert/strict';
import * as path from 'node:path';
import { realFileSystem as fs } from '../io/real-file-system.js';
import { DEFAULT_LOG_CONFIG } from '../storage/log-config.js';
import { PartitionLog } from '../storage/partition-log.js';
import { makeBatch } from '../storage/test-batches.js';
import { TempDirs } from '../storage/test-dirs.js';
import { ManualClock } from '../testing/manual-clock.js';
import { HW_CHECKPOINT_FILE, readHighWatermarks, writeHighWatermarks } from './high-watermark-checkpoint.js';
import { Partition } from './partition.js';

describe('partition/replication-offset-checkpoint', () => {
  const temp = new TempDirs();
  afterEach(() => temp.cleanup());

  it("writes each log dir's HWs in Kafka's checkpoint format; a loading follower starts from min(checkpoint, LEO), a lone leader from its LEO", async () => {
    const logDir = await temp.make();
    const open = async (): Promise<Partition> => new Partition('t', 0, 'AAECAwQFBgcICQoLDA0ODw', await PartitionLog.open(fs, path.join(logDir, 't-0'), DEFAULT_LOG_CONFIG), 0, false, 1 << 20, undefined, fs);
    const p = await open();
    for (let i = 0; i < 3; i++) await p.appendFromClient(makeBatch({ seed: i }), 1, null, 0);
    assert.equal(p.highWatermark, 3);
    await writeHighWatermarks(fs, [p]);
    assert.equal((await fs.readFile(path.join(logDir, HW_CHECKPOINT_FILE))).toString(), '0\n1\nt 0 3\n');
    assert.deepEqual([...(await readHighWatermarks(fs, logDir))], [['t-0', 3]]);
    await p.close();

    // ReplicaManager's order: the checkpoint first, then the replication settings, then the role.
    const follower = await open();
    follower.restoreHighWatermark(2);
    follower.configureReplication({ localId: 1, clock: new ManualClock(), replicaLagTimeMaxMs: 30000, alterIsr: (r) => Promise.resolve(r.isr) });
    follower.becomeFollower({ leaderEpoch: 1, leaderId: 2 });
    assert.equal(follower.highWatermark, 2, 'not past what the checkpoint knew was committed (found by the replication simulator)');
    const read = await follower.read(0, 1 << 20, true, 'highWatermark');
    assert.equal(read.kind === 'ok' ? read.records.length : -1, 2 * makeBatch({}).length);
    await follower.close();

    const alone = await open();
    alone.restoreHighWatermark(1);
    assert.equal(alone.highWatermark, 1);
    await alone.becomeLeader({ leaderEpoch: 0, replicas: [0], isr: [0] });
    assert.equal(alone.highWatermark, 3, 'a leader with no followers commits what it has');
    await alone.close();
  });
});
