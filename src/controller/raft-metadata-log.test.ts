import assert from 'node:assert/strict';
import * as path from 'node:path';
import { realFileSystem as fs } from '../io/real-file-system.js';
import { systemClock } from '../io/clock.js';
import { systemRandom } from '../io/random.js';
import { DEFAULT_LOG_CONFIG } from '../storage/log-config.js';
import { PartitionLog } from '../storage/partition-log.js';
import { TempDirs } from '../storage/test-dirs.js';
import { buildRecordBatch } from '../protocol/records/record-batch-builder.js';
import { encodeMetadataRecord, type MetadataRecord } from '../metadata/metadata-record.js';
import { decodeQuorumState, raftConfig } from '../raft/index.js';
import { QUORUM_STATE_FILE, RaftMetadataLog } from './raft-metadata-log.js';
import { readEntries } from './metadata-log-entries.js';

const FEATURE: MetadataRecord = { type: 'featureLevel', version: 0, data: { name: 'metadata.version', featureLevel: 25 } };

describe('controller/RaftMetadataLog (a one-voter quorum)', () => {
  const temp = new TempDirs();
  afterEach(() => temp.cleanup());

  async function open(dir: string): Promise<{ raft: RaftMetadataLog; log: PartitionLog }> {
    const log = await PartitionLog.open(fs, dir, DEFAULT_LOG_CONFIG);
    const raft = await RaftMetadataLog.open({ fs, log, clock: systemClock, random: systemRandom, nodeId: 7, voters: [7], config: raftConfig(), onFatal: (e) => assert.fail(String(e)) });
    return { raft, log };
  }

  it('commits proposals after its LeaderChange record, replays them after a restart in a higher epoch, and keeps quorum-state as Kafka does', async () => {
    const dir = path.join(await temp.make(), '__cluster_metadata-0');
    const first = await open(dir);
    await first.raft.start();
    assert.deepEqual([first.raft.leaderId, first.raft.epoch], [7, 1]);
    const offsets = await first.raft.append([FEATURE, FEATURE]);
    assert.deepEqual(offsets, [1, 2], 'offset 0 is the LeaderChange control record');
    first.raft.close();
    await first.log.close();

    const second = await open(dir);
    const replayed: number[] = [];
    await second.raft.replay(async (batch) => void replayed.push(...batch.map((c) => c.offset)));
    assert.deepEqual(replayed, [1, 2], 'control records are Raft\'s own, not metadata');
    await second.raft.start();
    assert.equal(second.raft.epoch, 2);
    assert.deepEqual(await second.raft.append([FEATURE]), [4]);
    const state = decodeQuorumState((await fs.readFile(path.join(dir, QUORUM_STATE_FILE))).toString('utf8'));
    assert.deepEqual([state.epoch, state.leaderId], [2, 7]);
    const entries = await readEntries(second.log);
    assert.deepEqual(entries.map((e) => [e.offset, e.epoch, e.control ?? 'data']), [[0, 1, 'leaderChange'], [1, 1, 'data'], [2, 1, 'data'], [3, 2, 'leaderChange'], [4, 2, 'data']]);
    second.raft.close();
    await assert.rejects(second.raft.append([FEATURE]), /closed/);
    await second.log.close();
  });

  it('takes over a metadata log written before the quorum (epoch-0 batches, no quorum-state)', async () => {
    const dir = path.join(await temp.make(), '__cluster_metadata-0');
    const old = await PartitionLog.open(fs, dir, DEFAULT_LOG_CONFIG);
    await old.append(await buildRecordBatch({ baseOffset: 0, records: [FEATURE, FEATURE].map((r) => ({ key: null, value: encodeMetadataRecord(r), timestamp: 1 })) }), 0);
    await old.close();
    const { raft, log } = await open(dir);
    const replayed: number[] = [];
    await raft.replay(async (batch) => void replayed.push(...batch.map((c) => c.offset)));
    assert.deepEqual(replayed, [0, 1]);
    await raft.start();
    assert.equal(raft.epoch, 1);
    assert.deepEqual(await raft.append([FEATURE]), [3]);
    raft.close();
    await log.close();
  });

  it('a failing disk fails the waiting proposal and every later one, and tells onFatal once', async () => {
    const dir = path.join(await temp.make(), '__cluster_metadata-0');
    const log = await PartitionLog.open(fs, dir, DEFAULT_LOG_CONFIG);
    const fatal: string[] = [];
    const raft = await RaftMetadataLog.open({ fs, log, clock: systemClock, random: systemRandom, nodeId: 7, voters: [7], config: raftConfig(), onFatal: (e) => fatal.push(String(e)) });
    await raft.start();
    await log.close(); // the disk goes away under the quorum
    await assert.rejects(raft.append([FEATURE]), /metadata quorum failed/);
    await assert.rejects(raft.append([FEATURE]), /closed/);
    assert.equal(fatal.length, 1);
  });
});
