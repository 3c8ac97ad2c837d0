import assert from 'node:assert/strict';
import * as path from 'node:path';
import { realFileSystem as fs } from '../io/real-file-system.js';
import { parseCheckpoint } from './checkpoint-file.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from './log-config.js';
import { LogManager } from './log-manager.js';
import { makeBatch } from './test-batches.js';
import { TempDirs } from './test-dirs.js';

const config: LogConfig = { ...DEFAULT_LOG_CONFIG, segmentBytes: 1000 };
const TOPIC_ID = 'AAECAwQFBgcICQoLDA0ODw';

async function text(file: string): Promise<string> {
  return (await fs.readFile(file)).toString('utf8');
}

describe('storage/LogManager', () => {
  const temp = new TempDirs();
  afterEach(() => temp.cleanup());

  it('creates logs in Kafka layout and reopens them after a clean shutdown', async () => {
    const logDir = await temp.make();
    const mgr = await LogManager.open(fs, [logDir]);
    const log = await mgr.getOrCreateLog('my.topic_v1-x', 3, config, TOPIC_ID);
    assert.equal(await mgr.getOrCreateLog('my.topic_v1-x', 3, config, TOPIC_ID), log);
    const batch = makeBatch({ records: 4 });
    await log.append(batch, 0);
    assert.equal(log.dir, path.join(logDir, 'my.topic_v1-x-3'));
    assert.equal(await text(path.join(log.dir, 'partition.metadata')), `version: 0\ntopic_id: ${TOPIC_ID}\n`);
    await mgr.close();

    assert.equal(await fs.exists(path.join(logDir, '.kafka_cleanshutdown')), true);
    assert.deepEqual(parseCheckpoint(await text(path.join(logDir, 'recovery-point-offset-checkpoint'))), [
      { topic: 'my.topic_v1-x', partition: 3, offset: 4 },
    ]);
    assert.equal(await text(path.join(logDir, 'log-start-offset-checkpoint')), '0\n1\nmy.topic_v1-x 3 0\n');

    const again = await LogManager.open(fs, [logDir], { configFor: () => config });
    assert.equal(again.hadCleanShutdown(logDir), true);
    assert.equal(await fs.exists(path.join(logDir, '.kafka_cleanshutdown')), false);
    const reopened = again.getLog('my.topic_v1-x', 3);
    assert.ok(reopened !== undefined);
    assert.equal(reopened.logEndOffset, 4);
    assert.equal(reopened.topicId, TOPIC_ID);
    assert.deepEqual(await reopened.read(0, 1000, true), { kind: 'ok', records: batch });
    assert.deepEqual([...again.allLogs()].map((l) => [l.topic, l.partition]), [['my.topic_v1-x', 3]]);
    await again.close();
  });

  it('DeleteRecords on many partitions at once: every one succeeds and the checkpoint holds every new start offset', async () => {
    const logDir = await temp.make();
    const mgr = await LogManager.open(fs, [logDir]);
    const partitions = [0, 1, 2, 3, 4, 5, 6, 7];
    for (const p of partitions) await (await mgr.getOrCreateLog('purge', p, config, TOPIC_ID)).append(makeBatch({ records: 5 }), 0);
    // As Kafka Streams purges repartition topics: one request, every partition at once.
    const low = await Promise.all(partitions.map((p) => mgr.deleteRecords('purge', p, 3)));
    assert.deepEqual(low, partitions.map(() => 3));
    const written = parseCheckpoint(await text(path.join(logDir, 'log-start-offset-checkpoint')));
    assert.deepEqual(written.map((e) => [e.partition, e.offset]).sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0)), partitions.map((p) => [p, 3]));
    await mgr.close();
  });

  it('recovers logs when the clean-shutdown marker is missing', async () => {
    const logDir = await temp.make();
    const mgr = await LogManager.open(fs, [logDir]);
    const log = await mgr.getOrCreateLog('t', 0, config, TOPIC_ID);
    await log.append(makeBatch({ records: 2 }), 0);
    await mgr.close();
    await fs.rm(path.join(logDir, '.kafka_cleanshutdown'));
    const again = await LogManager.open(fs, [logDir], { configFor: () => config });
    assert.equal(again.hadCleanShutdown(logDir), false);
    assert.equal(again.getLog('t', 0)?.logEndOffset, 2);
    await again.close();
  });

  it('spreads new logs over the log dirs with the fewest partitions', async () => {
    const dirs = [await temp.make(), await temp.make()];
    const mgr = await LogManager.open(fs, dirs);
    const logs = await Promise.all([0, 1, 2, 3].map((p) => mgr.getOrCreateLog('spread', p, config, TOPIC_ID)));
    const perDir = dirs.map((d) => logs.filter((l) => path.dirname(l.dir) === d).length);
    assert.deepEqual(perDir, [2, 2]);
    await mgr.close();
    const again = await LogManager.open(fs, dirs);
    assert.equal([...again.allLogs()].length, 4);
    await again.close();
  });

  it('deleteLog removes the directory and the log stays gone after a restart', async () => {
    const logDir = await temp.make();
    const mgr = await LogManager.open(fs, [logDir], { newUniqueId: () => 'abc123' });
    const log = await mgr.getOrCreateLog('gone', 0, config, TOPIC_ID);
    await log.append(makeBatch(), 0);
    await mgr.getOrCreateLog('kept', 0, config, TOPIC_ID);
    await mgr.deleteLog('gone', 0);
    assert.equal(mgr.getLog('gone', 0), undefined);
    const names = (await fs.readdir(logDir)).map((e) => e.name).sort();
    assert.ok(!names.some((n) => n.startsWith('gone')), names.join(','));
    await mgr.close();
    const again = await LogManager.open(fs, [logDir]);
    assert.equal(again.getLog('gone', 0), undefined);
    assert.ok(again.getLog('kept', 0) !== undefined);
    await again.close();
  });

  it('removes leftover -delete dirs and ignores the metadata log and stray dirs', async () => {
    const logDir = await temp.make();
    await fs.mkdirs(path.join(logDir, 'old-0.0123abcd-delete'));
    await fs.mkdirs(path.join(logDir, '__cluster_metadata-0'));
    await fs.mkdirs(path.join(logDir, 'not a partition'));
    const mgr = await LogManager.open(fs, [logDir]);
    assert.equal([...mgr.allLogs()].length, 0);
    assert.equal(await fs.exists(path.join(logDir, 'old-0.0123abcd-delete')), false);
    assert.equal(await fs.exists(path.join(logDir, '__cluster_metadata-0')), true);
    await mgr.close();
  });

  it('starts from scratch (full recovery) when a checkpoint file is unreadable', async () => {
    const logDir = await temp.make();
    const mgr = await LogManager.open(fs, [logDir]);
    await (await mgr.getOrCreateLog('t', 0, config, TOPIC_ID)).append(makeBatch(), 0);
    await mgr.close();
    await fs.writeFileAtomic(path.join(logDir, 'recovery-point-offset-checkpoint'), Buffer.from('garbage'));
    const warnings: string[] = [];
    const again = await LogManager.open(fs, [logDir], {
      logger: { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} },
    });
    assert.equal(again.getLog('t', 0)?.logEndOffset, 1);
    assert.equal(warnings.length, 1);
    await again.close();
  });
});
