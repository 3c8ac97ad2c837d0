/**
 * meta.properties per log dir: one cluster id for all, a directory.id of its own for each (KIP-858),
 * kept across restarts, added to a file written before 3.7, and refused when two dirs share one.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { realFileSystem as fs } from '../io/real-file-system.js';
import { randomTopicId } from '../io/random.js';
import { ensureFormatted, readMetaProperties } from './meta-properties.js';
import { TempDirs } from './test-dirs.js';

describe('storage/meta-properties', () => {
  const temp = new TempDirs();
  afterEach(() => temp.cleanup());

  it('gives each log dir its own directory.id, kept across restarts; an older file gets one added', async () => {
    const dirs = [await temp.make(), await temp.make()];
    await fs.writeFileAtomic(path.join(dirs[0]!, 'meta.properties'), Buffer.from('version=1\nnode.id=4\ncluster.id=abc\n'));
    const first = await ensureFormatted(fs, dirs, 4, () => 'fresh', randomTopicId);
    assert.equal(first.clusterId, 'abc');
    assert.equal(first.directoryIds.length, 2);
    assert.notEqual(first.directoryIds[0], first.directoryIds[1]);
    for (const id of first.directoryIds) assert.match(id, /^[A-Za-z0-9_-]{22}$/);
    assert.deepEqual(await readMetaProperties(fs, dirs[1]!), { clusterId: 'abc', nodeId: 4, directoryId: first.directoryIds[1] });
    const again = await ensureFormatted(fs, dirs, 4, () => 'other', randomTopicId);
    assert.deepEqual(again, first);
  });

  it('refuses two dirs with the same directory.id (one copied from the other)', async () => {
    const dirs = [await temp.make(), await temp.make()];
    await ensureFormatted(fs, dirs.slice(0, 1), 1, () => 'c', randomTopicId);
    await fs.writeFileAtomic(path.join(dirs[1]!, 'meta.properties'), await fs.readFile(path.join(dirs[0]!, 'meta.properties')));
    await assert.rejects(ensureFormatted(fs, dirs, 1, () => 'c', randomTopicId), /have the same directory.id/);
  });
});
