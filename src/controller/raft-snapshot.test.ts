/**
 * Snapshots of the metadata log on real disks: a one-voter log snapshots at
 * metadata.log.max.record.bytes.between.snapshots, in Kafka's checkpoint layout, deletes the
 * segments the snapshot covers, and restarts from snapshot + log tail to the same image; in a
 * three-voter quorum a voter that was down while the others snapshotted and deleted their logs
 * catches up through FetchSnapshot and ends with the same image; so does an observer (a non-voter)
 * joining a one-voter quorum whose log starts past its end. Every wait is bounded.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { realFileSystem as fs } from '../io/real-file-system.js';
import { systemClock } from '../io/clock.js';
import { systemRandom } from '../io/random.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../storage/log-config.js';
import { PartitionLog } from '../storage/partition-log.js';
import { TempDirs } from '../storage/test-dirs.js';
import { readBatchHeader, decodeRecordBatch } from '../protocol/records/record-batch-reader.js';
import { decodeControlRecordType } from '../protocol/records/control-record.js';
import { MetadataImage } from '../metadata/metadata-image.js';
import { imageRecords } from '../metadata/image-records.js';
import type { MetadataRecord } from '../metadata/metadata-record.js';
import { raftConfig } from '../raft/index.js';
import { uuidFromBytes } from '../protocol/codec/uuid.js';
import { MetadataPublisher, type CommittedRecord } from './metadata-publisher.js';
import { RaftMetadataLog } from './raft-metadata-log.js';
import { decodeSnapshot, parseSnapshotFileName, snapshotFileName, SNAPSHOT_FOOTER, SNAPSHOT_HEADER } from './metadata-snapshot.js';
import { decodeWireRequest, decodeWireResponse, encodeWireRequest, encodeWireResponse } from './raft-wire.js';
import type { RaftTransport } from './raft-messenger.js';

/** Small segments, so a snapshot leaves whole segments below it to delete. */
const LOG_CONFIG: LogConfig = { ...DEFAULT_LOG_CONFIG, segmentBytes: 2048 };
const SNAPSHOT_BYTES = 1500;

function topicId(i: number): string {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(i, 12);
  b[0] = 1;
  return uuidFromBytes(b, 0);
}

/** Commands' worth of records: a topic with two partitions and a config, a broker, producer ids, a feature. */
function commandRecords(i: number): MetadataRecord[] {
  const id = topicId(i);
  const part = (p: number): MetadataRecord => ({ type: 'partition', version: 0, data: { partitionId: p, topicId: id, replicas: [1, 2], isr: [1, 2], removingReplicas: [], addingReplicas: [], leader: 1 + p, leaderRecoveryState: 0, leaderEpoch: 0, partitionEpoch: 0 } });
  return [
    { type: 'topic', version: 0, data: { name: `topic-${i}`, topicId: id } },
    part(0),
    part(1),
    { type: 'config', version: 0, data: { resourceType: 2, resourceName: `topic-${i}`, name: 'retention.ms', value: String(1000 * i) } },
    { type: 'partitionChange', version: 0, data: { partitionId: 1, topicId: id, isr: [2], leader: 2, replicas: null, removingReplicas: null, addingReplicas: null } } as MetadataRecord,
    { type: 'registerBroker', version: 3, data: { brokerId: i % 3, isMigratingZkBroker: false, incarnationId: topicId(100 + i), brokerEpoch: BigInt(i), endPoints: [{ name: 'PLAINTEXT', host: 'h', port: 9000 + i, securityProtocol: 0 }], features: [], rack: null, fenced: i % 2 === 0, inControlledShutdown: false, logDirs: [] } },
    { type: 'producerIds', version: 0, data: { brokerId: 1, brokerEpoch: 0n, nextProducerId: BigInt(1000 * (i + 1)) } },
    { type: 'featureLevel', version: 0, data: { name: 'metadata.version', featureLevel: 10 + i } },
  ];
}

function imageOf(records: readonly MetadataRecord[]): MetadataImage {
  const image = new MetadataImage();
  records.forEach((r, i) => image.replay(r, i));
  return image;
}

async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('controller/RaftMetadataLog snapshots', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  afterEach(() => temp.cleanup());

  it("writes a snapshot at the byte threshold in Kafka's layout, deletes the log below it, and restarts from snapshot + tail to the same image", async () => {
    const dir = path.join(await temp.make(), '__cluster_metadata-0');
    const open = async (): Promise<{ raft: RaftMetadataLog; log: PartitionLog; image: MetadataImage }> => {
      const log = await PartitionLog.open(fs, dir, LOG_CONFIG);
      const image = new MetadataImage();
      const publisher = new MetadataPublisher(image);
      const raft = await RaftMetadataLog.open({ fs, log, clock: systemClock, random: systemRandom, nodeId: 1, voters: [1], config: raftConfig(), snapshotMaxBytes: SNAPSHOT_BYTES, onCommitted: (b) => publisher.publish(b), onFatal: (e) => assert.fail(String(e)) });
      await raft.replay((b) => publisher.publish(b));
      await raft.start();
      return { raft, log, image };
    };
    const first = await open();
    const all: MetadataRecord[] = [];
    for (let i = 1; first.raft.snapshotId === undefined || i <= 3; i++) {
      assert.ok(i < 50, 'no snapshot after 50 commands');
      all.push(...commandRecords(i));
      await first.raft.append(commandRecords(i));
    }
    await until('the log before the snapshot deleted', () => first.log.logStartOffset > 0);
    const snap = first.raft.snapshotId;
    assert.ok(snap !== undefined);
    assert.ok(first.log.logStartOffset <= snap.endOffset && first.log.segmentCount >= 1);
    const names = (await fs.readdir(dir)).map((e) => e.name).filter((n) => n.endsWith('.checkpoint'));
    assert.deepEqual(names, [snapshotFileName(snap)], 'only the latest snapshot is kept');
    assert.match(names[0] ?? '', /^\d{20}-\d{10}\.checkpoint$/);
    assert.deepEqual(parseSnapshotFileName(names[0] ?? ''), snap);

    // Kafka's layout: offsets from 0, every batch in the snapshot's epoch, header first, footer last.
    const bytes = await fs.readFile(path.join(dir, names[0] ?? ''));
    const batches: [number, boolean, number, number][] = [];
    for (let pos = 0; pos < bytes.length; ) {
      const h = readBatchHeader(bytes, pos);
      const b = await decodeRecordBatch(bytes, pos);
      batches.push([h.baseOffset, h.isControl, h.isControl ? decodeControlRecordType(b.records[0]?.key ?? Buffer.alloc(0)) : -1, h.partitionLeaderEpoch]);
      pos += h.sizeInBytes;
    }
    assert.deepEqual(batches[0], [0, true, SNAPSHOT_HEADER, snap.epoch]);
    assert.deepEqual(batches.at(-1)?.slice(1), [true, SNAPSHOT_FOOTER, snap.epoch]);
    assert.ok(batches.every((b) => b[3] === snap.epoch));

    // Read back equal: the snapshot holds the image of every record before its end offset.
    const { records } = await decodeSnapshot(bytes);
    const committedBefore = first.raft.committedImageRecords();
    assert.ok(records.length > 0);
    // A one-voter log commits each command whole: the snapshot is the image after some command k.
    const snapImage = JSON.stringify(imageRecords(imageOf(records)), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
    const prefixes = Array.from({ length: all.length / 8 }, (_, k) => JSON.stringify(imageRecords(imageOf(all.slice(0, 8 * (k + 1)))), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    assert.ok(prefixes.includes(snapImage), 'the snapshot reads back as the image of the commands before its end offset');

    // More after the snapshot, then a restart: snapshot + tail gives the same image.
    all.push(...commandRecords(99));
    await first.raft.append(commandRecords(99));
    const expected = imageRecords(imageOf(all));
    assert.deepEqual(first.raft.committedImageRecords(), expected);
    assert.deepEqual(imageRecords(first.image), expected, "the node's published image too");
    assert.notDeepEqual(committedBefore, expected);
    first.raft.close();
    await first.log.close();

    const second = await open();
    // Command 99 may have crossed the threshold again: the latest snapshot is loaded.
    assert.ok((second.raft.snapshotId?.endOffset ?? 0) >= snap.endOffset, 'the latest snapshot is loaded');
    assert.deepEqual(imageRecords(second.image), expected, 'restart: snapshot, then the log after it');
    assert.deepEqual(second.raft.committedImageRecords(), expected);
    assert.ok(second.log.logStartOffset >= snap.endOffset || second.log.logStartOffset > 0);
    const [next] = await second.raft.append(commandRecords(100));
    assert.ok((next ?? 0) > snap.endOffset);
    second.raft.close();
    await second.log.close();
  });

  it('a voter that was down while the others snapshotted and deleted their logs catches up through FetchSnapshot, to the same image', async () => {
    const VOTERS = [1, 2, 3];
    const CONFIG = raftConfig({ electionTimeoutMs: 150, fetchTimeoutMs: 300, electionBackoffMaxMs: 150, requestTimeoutMs: 300, retryBackoffMs: 20, fetchMaxWaitMs: 50, fetchSnapshotMaxBytes: 512 });
    const root = await temp.make();
    const fatal: string[] = [];
    interface Voter { id: number; raft: RaftMetadataLog; log: PartitionLog; image: MetadataImage; loaded: number[] }
    const up = new Map<number, Voter>();
    let correlation = 0;
    const transport: RaftTransport = {
      async send(to, request) {
        const peer = up.get(to);
        if (peer === undefined) throw new Error(`voter ${to} is down`);
        const response = await peer.raft.handleRequest(decodeWireRequest(request.apiKey, encodeWireRequest(request)), ++correlation);
        return decodeWireResponse(response.apiKey, encodeWireResponse(response));
      },
    };
    const start = async (id: number): Promise<Voter> => {
      const log = await PartitionLog.open(fs, path.join(root, `node-${id}`, '__cluster_metadata-0'), LOG_CONFIG);
      const image = new MetadataImage();
      const publisher = new MetadataPublisher(image);
      const loaded: number[] = [];
      const raft = await RaftMetadataLog.open({
        fs, log, clock: systemClock, random: systemRandom, nodeId: id, voters: VOTERS, config: CONFIG, transport, clusterId: 'snapshot-test', snapshotMaxBytes: SNAPSHOT_BYTES,
        onCommitted: (b: readonly CommittedRecord[]) => publisher.publish(b),
        onSnapshotLoaded: async (records, endOffset) => {
          loaded.push(endOffset);
          await publisher.reload(records, endOffset);
        },
        onFatal: (e) => fatal.push(`voter ${id}: ${e instanceof Error ? e.stack : String(e)}`),
      });
      const v = { id, raft, log, image, loaded };
      up.set(id, v);
      await raft.replay((b) => publisher.publish(b));
      await raft.start();
      return v;
    };
    const stop = async (v: Voter): Promise<void> => {
      up.delete(v.id);
      v.raft.close();
      await v.log.close();
    };
    const leader = async (): Promise<Voter> => {
      let found: Voter | undefined;
      await until('an agreed leader', () => {
        const live = [...up.values()];
        found = live.find((v) => v.raft.leaderId === v.id && v.raft.controllerState().active);
        return found !== undefined && live.every((v) => v.raft.leaderId === found?.id);
      });
      return found as Voter;
    };
    try {
      for (const id of VOTERS) await start(id);
      let lead = await leader();
      const all: MetadataRecord[] = [];
      all.push(...commandRecords(1));
      await lead.raft.append(commandRecords(1));
      // A follower goes down; it holds the first command.
      const down = [...up.values()].find((v) => v.id !== lead.id) as Voter;
      await until('the follower has the first command', () => down.raft.raftState().highWatermark >= lead.raft.raftState().highWatermark);
      const downEnd = down.log.logEndOffset;
      await stop(down);
      for (let i = 2; [...up.values()].some((v) => v.log.logStartOffset <= downEnd); i++) {
        assert.ok(i < 80, `the live voters never deleted past ${downEnd}: ${[...up.values()].map((v) => `${v.id}: start ${v.log.logStartOffset} snapshot ${JSON.stringify(v.raft.snapshotId)}`).join('; ')}`);
        all.push(...commandRecords(i));
        await lead.raft.append(commandRecords(i));
        await until('the deletion settles', () => [...up.values()].every((v) => v.raft.raftState().highWatermark >= lead.raft.raftState().highWatermark), 5000).catch(() => undefined);
      }
      assert.deepEqual(fatal, []);

      const back = await start(down.id);
      lead = await leader();
      all.push(...commandRecords(200));
      const [last] = await lead.raft.append(commandRecords(200));
      await until('the returning voter caught up', () => back.raft.raftState().highWatermark > (last ?? 0) && imageRecords(back.image).length === imageRecords(lead.image).length);
      assert.ok(back.loaded.length >= 1, 'it installed a snapshot fetched from the leader');
      assert.ok(back.log.logStartOffset >= (back.loaded[0] ?? 0), 'its log restarted at the snapshot');
      const expected = imageRecords(imageOf(all));
      for (const v of up.values()) {
        assert.deepEqual(imageRecords(v.image), expected, `voter ${v.id}'s published image`);
        assert.deepEqual(v.raft.committedImageRecords(), expected, `voter ${v.id}'s committed image`);
      }
      assert.deepEqual(fatal, []);

      // It restarts from the installed snapshot (committed by definition) and learns the tail from its leader.
      await stop(back);
      const again = await start(back.id);
      await until('the restarted voter caught up', () => JSON.stringify(imageRecords(again.image), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) === JSON.stringify(expected, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
      assert.deepEqual(again.loaded, [], 'no snapshot fetched this time: its own was loaded at start');
      assert.deepEqual(fatal, []);
    } finally {
      for (const v of [...up.values()]) await stop(v);
    }
  });

  it('an observer joining a one-voter quorum whose log was deleted below a snapshot fetches it, then follows the log, to the same image', async () => {
    const CONFIG = raftConfig({ electionTimeoutMs: 150, fetchTimeoutMs: 300, electionBackoffMaxMs: 150, requestTimeoutMs: 300, retryBackoffMs: 20, fetchMaxWaitMs: 50, fetchSnapshotMaxBytes: 512 });
    const root = await temp.make();
    const fatal: string[] = [];
    interface Node { id: number; raft: RaftMetadataLog; log: PartitionLog; image: MetadataImage; loaded: number[] }
    const up = new Map<number, Node>();
    let correlation = 0;
    const transport: RaftTransport = {
      async send(to, request) {
        const peer = up.get(to);
        if (peer === undefined) throw new Error(`node ${to} is down`);
        const response = await peer.raft.handleRequest(decodeWireRequest(request.apiKey, encodeWireRequest(request)), ++correlation);
        return decodeWireResponse(response.apiKey, encodeWireResponse(response));
      },
    };
    const start = async (id: number): Promise<Node> => {
      const log = await PartitionLog.open(fs, path.join(root, `node-${id}`, '__cluster_metadata-0'), LOG_CONFIG);
      const image = new MetadataImage();
      const publisher = new MetadataPublisher(image);
      const loaded: number[] = [];
      const raft = await RaftMetadataLog.open({
        fs, log, clock: systemClock, random: systemRandom, nodeId: id, voters: [1], config: CONFIG, transport, clusterId: 'snapshot-test', snapshotMaxBytes: SNAPSHOT_BYTES,
        onCommitted: (b: readonly CommittedRecord[]) => publisher.publish(b),
        onSnapshotLoaded: async (records, endOffset) => {
          loaded.push(endOffset);
          await publisher.reload(records, endOffset);
        },
        onFatal: (e) => fatal.push(`node ${id}: ${e instanceof Error ? e.stack : String(e)}`),
      });
      const n = { id, raft, log, image, loaded };
      up.set(id, n);
      await raft.replay((b) => publisher.publish(b));
      await raft.start();
      return n;
    };
    const stop = async (n: Node): Promise<void> => {
      up.delete(n.id);
      n.raft.close();
      await n.log.close();
    };
    try {
      const voter = await start(1);
      const all: MetadataRecord[] = [];
      for (let i = 1; voter.log.logStartOffset === 0; i++) {
        assert.ok(i < 80, 'the voter never deleted its log below a snapshot');
        all.push(...commandRecords(i));
        await voter.raft.append(commandRecords(i));
        await until('the snapshot settles', () => voter.raft.snapshotId === undefined || voter.log.logStartOffset > 0, 2000).catch(() => undefined);
      }
      const observer = await start(2);
      assert.equal(observer.raft.observer, true);
      all.push(...commandRecords(200));
      const [last] = await voter.raft.append(commandRecords(200));
      const expected = imageRecords(imageOf(all));
      const same = (image: MetadataImage): boolean => JSON.stringify(imageRecords(image), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) === JSON.stringify(expected, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
      await until('the observer caught up', () => observer.raft.raftState().highWatermark > (last ?? 0) && same(observer.image));
      assert.ok(observer.loaded.length >= 1, 'it installed the snapshot fetched from the leader');
      assert.deepEqual(imageRecords(observer.image), expected);
      assert.deepEqual(observer.raft.committedImageRecords(), expected);
      assert.deepEqual([observer.raft.leaderId, observer.raft.controllerState().active, voter.raft.describeQuorum().observers.map((o) => o.replicaId)], [1, false, [2]]);
      // Restarted, it starts from its own snapshot and log (it held the leader's whole log), then
      // learns what comes next from the leader.
      await stop(observer);
      const again = await start(2);
      all.push(...commandRecords(201));
      await voter.raft.append(commandRecords(201));
      const expectedNow = imageRecords(imageOf(all));
      await until('the restarted observer caught up', () => imageRecords(again.image).length === expectedNow.length);
      assert.deepEqual(imageRecords(again.image), expectedNow);
      assert.deepEqual(again.loaded, [], 'no snapshot fetched this time: its own was loaded at start');
      assert.deepEqual(fatal, []);
    } finally {
      for (const n of [...up.values()]) await stop(n);
    }
  });
});
