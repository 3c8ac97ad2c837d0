/**
 * AlterReplicaLogDirs on an embedded node with two log dirs, through the wire: Kafka's per-partition
 * errors, and a replica moved while DescribeLogDirs watches it arrive in the target dir (its future
 * log listed meanwhile with is_future_key), its records all still readable by a consumer.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import kafkajs from 'kafkajs';
import { startNode, type RunningNode } from '../../index.js';
import { encodeAlterReplicaLogDirsRequest, type AlterReplicaLogDirsRequest } from '../../protocol/generated/messages/alter-replica-log-dirs-request.js';
import { decodeAlterReplicaLogDirsResponse, type AlterReplicaLogDirsResponse } from '../../protocol/generated/messages/alter-replica-log-dirs-response.js';
import { encodeDescribeLogDirsRequest } from '../../protocol/generated/messages/describe-log-dirs-request.js';
import { decodeDescribeLogDirsResponse, type DescribeLogDirsResponse } from '../../protocol/generated/messages/describe-log-dirs-response.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { RawClient } from '../../testing/raw-client.js';
import { rawCall } from '../../testing/raw-call.js';

describe('AlterReplicaLogDirs', function () {
  const root = mkdtempSync(join(tmpdir(), 'tributary-jbod-'));
  const dirs = [join(root, 'a'), join(root, 'b')];
  let node: RunningNode;
  let c: RawClient;
  let kafka: kafkajs.Kafka;
  before(async () => {
    node = await startNode({ config: { 'log.dirs': dirs.join(',') } });
    kafka = new kafkajs.Kafka({ brokers: [node.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'moving', numPartitions: 2 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 20; i++) await producer.send({ topic: 'moving', messages: Array.from({ length: 50 }, (_, j) => ({ value: `v${i}-${j}`, partition: 0 })) });
    await producer.disconnect();
    c = await RawClient.connect(node.bootstrap);
  });
  after(async () => {
    c.close();
    await node.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const alter = (version: number, req: AlterReplicaLogDirsRequest): Promise<AlterReplicaLogDirsResponse> =>
    rawCall(c, 34, version, version >= 2, encodeAlterReplicaLogDirsRequest, decodeAlterReplicaLogDirsResponse, req);
  const describe = (): Promise<DescribeLogDirsResponse> => rawCall(c, 35, 4, true, encodeDescribeLogDirsRequest, decodeDescribeLogDirsResponse, { topics: null });
  /** Where partition 0's logs are: `<dir>` or `<dir> future`. */
  const whereIs0 = async (): Promise<string[]> =>
    (await describe()).results.flatMap((r) => r.topics.flatMap((t) => t.partitions.filter((p) => t.name === 'moving' && p.partitionIndex === 0).map((p) => `${r.logDir}${p.isFutureKey ? ' future' : ''}`)));

  it("answers Kafka's errors per partition", async () => {
    const r = await alter(1, { dirs: [{ path: '/no/such/dir', topics: [{ name: 'moving', partitions: [0] }] }, { path: resolve(dirs[0]!), topics: [{ name: 'nope', partitions: [0] }] }] });
    assert.deepEqual(r.results.map((t) => [t.topicName, t.partitions.map((p) => [p.partitionIndex, p.errorCode])]),
      [['moving', [[0, ErrorCode.LOG_DIR_NOT_FOUND]]], ['nope', [[0, ErrorCode.REPLICA_NOT_AVAILABLE]]]]);
  });

  it('moves a partition to the other dir; every record is still there', async () => {
    const [before] = await whereIs0();
    const target = resolve(dirs.find((d) => resolve(d) !== before)!);
    const r = await alter(2, { dirs: [{ path: target, topics: [{ name: 'moving', partitions: [0] }] }] });
    assert.deepEqual(r.results[0]?.partitions, [{ partitionIndex: 0, errorCode: ErrorCode.NONE }]);
    let seen: string[] = [];
    for (let i = 0; i < 200 && !(seen.length === 1 && seen[0] === target); i++) {
      seen = await whereIs0();
      await new Promise((res) => setTimeout(res, 20));
    }
    assert.deepEqual(seen, [target], 'moved within 4 s');
    const consumer = kafka.consumer({ groupId: 'g' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'moving', fromBeginning: true });
    const values: string[] = [];
    await new Promise<void>((done, fail) => {
      consumer.run({ eachMessage: async ({ message }) => {
        values.push(message.value?.toString() ?? '');
        if (values.length === 1000) done();
      } }).catch(fail);
    });
    await consumer.disconnect();
    assert.deepEqual(values, Array.from({ length: 1000 }, (_, k) => `v${Math.floor(k / 50)}-${k % 50}`));
  });
});
