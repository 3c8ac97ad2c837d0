/**
 * DescribeLogDirs as Kafka 4.3 answers it (compared against Apache Kafka 4.3.1): the absolute log
 * dir, each partition's size in bytes (the same bytes Kafka stores: 69 for one small record), the
 * listed partitions only, and the volume's space at v4.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import kafkajs from 'kafkajs';
import { startNode, type RunningNode } from '../../index.js';
import { encodeDescribeLogDirsRequest, type DescribeLogDirsRequest } from '../../protocol/generated/messages/describe-log-dirs-request.js';
import { decodeDescribeLogDirsResponse, type DescribeLogDirsResponse } from '../../protocol/generated/messages/describe-log-dirs-response.js';
import { RawClient } from '../../testing/raw-client.js';
import { rawCall } from '../../testing/raw-call.js';

describe('DescribeLogDirs', function () {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-logdirs-'));
  let node: RunningNode;
  let c: RawClient;
  before(async () => {
    node = await startNode({ config: { 'log.dirs': dir } });
    const kafka = new kafkajs.Kafka({ brokers: [node.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'a', numPartitions: 3 }, { topic: 'b', numPartitions: 1 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'a', messages: [{ value: 'x', partition: 0 }] });
    await producer.disconnect();
    c = await RawClient.connect(node.bootstrap);
  });
  after(async () => {
    c.close();
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const describeDirs = (version: number, req: DescribeLogDirsRequest): Promise<DescribeLogDirsResponse> =>
    rawCall(c, 35, version, version >= 2, encodeDescribeLogDirsRequest, decodeDescribeLogDirsResponse, req);

  it('lists the listed partitions that exist, with their sizes, in the absolute log dir', async () => {
    const r = await describeDirs(4, { topics: [{ topic: 'a', partitions: [0, 1, 7] }, { topic: 'zzz', partitions: [0] }] });
    assert.equal(r.errorCode, 0);
    assert.equal(r.results.length, 1);
    const d = r.results[0];
    assert.equal(d?.logDir, resolve(dir));
    assert.deepEqual(d?.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.partitionSize, p.offsetLag, p.isFutureKey]).sort()]),
      [['a', [[0, 69n, 0n, false], [1, 0n, 0n, false]]]]);
    assert.ok((d?.totalBytes ?? -1n) > 0n && (d?.usableBytes ?? -1n) > 0n && (d?.usableBytes ?? 0n) <= (d?.totalBytes ?? 0n), 'the volume\'s space at v4');
  });

  it('a null topic list describes every partition; v1 has no volume space', async () => {
    const r = await describeDirs(1, { topics: null });
    assert.deepEqual(r.results[0]?.topics.map((t) => `${t.name}:${t.partitions.length}`).sort(), ['a:3', 'b:1']);
    assert.equal(r.results[0]?.totalBytes, -1n);
  });
});
