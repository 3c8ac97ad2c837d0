/**
 * Log-dir moves in a 3-node cluster in one process, every node with two log.dirs: while a producer
 * writes with acks=all, AlterReplicaLogDirs moves the leader's replica on node 1 and a follower's
 * on node 2 to their other dirs. Replication keeps going through the moves (the ISR stays whole),
 * and after them the moved follower, made leader by halting node 1, serves every acknowledged
 * record, once, in order.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { InProcessCluster } from './testing/in-process-cluster.js';
import { waitFor } from './compat/wait.js';
import { RawClient } from './testing/raw-client.js';
import { rawCall } from './testing/raw-call.js';
import { ErrorCode } from './protocol/generated/error-codes.js';
import { encodeAlterReplicaLogDirsRequest } from './protocol/generated/messages/alter-replica-log-dirs-request.js';
import { decodeAlterReplicaLogDirsResponse } from './protocol/generated/messages/alter-replica-log-dirs-response.js';
import { encodeDescribeLogDirsRequest } from './protocol/generated/messages/describe-log-dirs-request.js';
import { decodeDescribeLogDirsResponse } from './protocol/generated/messages/describe-log-dirs-response.js';

describe('log-dir moves in a 3-node cluster (two log.dirs per node)', function () {
  this.timeout(120_000);
  const root = mkdtempSync(join(tmpdir(), 'tributary-jbod-cluster-'));
  const dirsOf = (id: number): string[] => [join(root, `n${id}-a`), join(root, `n${id}-b`)];
  let cluster: InProcessCluster | undefined;
  after(async () => {
    await cluster?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  /** The log dir holding `topic`-0 on the node behind `c` (DescribeLogDirs); 'moving' while it has a future log too. */
  async function dirOf(c: RawClient, topic: string): Promise<string | undefined> {
    const r = await rawCall(c, 35, 4, true, encodeDescribeLogDirsRequest, decodeDescribeLogDirsResponse, { topics: [{ topic, partitions: [0] }] });
    const logs = r.results.flatMap((d) => d.topics.flatMap((t) => t.partitions.map((p) => ({ dir: d.logDir, future: p.isFutureKey }))));
    return logs.some((l) => l.future) ? 'moving' : logs[0]?.dir;
  }

  it('moves a leader and a follower replica while acks=all writes continue; the moved follower leads with every record', async () => {
    cluster = await InProcessCluster.start({ nodes: 3, nodeConfig: (id) => ({ 'log.dirs': dirsOf(id).join(',') }) });
    const brokers = cluster.bootstrap.split(',');
    const kafka = new Kafka({ clientId: 'jbod-cluster', brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'moved', replicaAssignment: [{ partition: 0, replicas: [1, 2, 3] }] }], waitForLeaders: true });
    const isr = async (): Promise<number[]> => (await admin.fetchTopicMetadata({ topics: ['moved'] })).topics[0]?.partitions[0]?.isr ?? [];
    await waitFor('all three replicas in the ISR', async () => ((await isr()).length === 3 ? true : undefined), 30_000, 100);

    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    let sent = 0;
    let stop = false;
    const writing = (async () => {
      while (!stop) {
        await producer.send({ topic: 'moved', acks: -1, messages: Array.from({ length: 10 }, (_, j) => ({ value: `m${sent * 10 + j}` })) });
        sent++;
      }
    })();
    const raw = await Promise.all([1, 2].map((id) => RawClient.connect(brokers[id - 1]!)));
    try {
      await waitFor('some records written before the moves', async () => (sent >= 20 ? true : undefined), 30_000, 50);
      const targets = await Promise.all([1, 2].map(async (id, i) => {
        const here = await dirOf(raw[i]!, 'moved');
        const target = resolve(dirsOf(id).find((d) => resolve(d) !== here)!);
        const r = await rawCall(raw[i]!, 34, 2, true, encodeAlterReplicaLogDirsRequest, decodeAlterReplicaLogDirsResponse, { dirs: [{ path: target, topics: [{ name: 'moved', partitions: [0] }] }] });
        assert.equal(r.results[0]?.partitions[0]?.errorCode, ErrorCode.NONE);
        return target;
      }));
      for (const [i, target] of targets.entries()) {
        await waitFor(`node ${i + 1}'s replica in ${target}`, async () => ((await dirOf(raw[i]!, 'moved')) === target ? true : undefined), 60_000, 100);
      }
      const before = sent;
      await waitFor('writes continue after the moves', async () => (sent >= before + 10 ? true : undefined), 30_000, 50);
    } finally {
      stop = true;
      await writing;
      await producer.disconnect();
      for (const c of raw) c.close();
    }
    assert.deepEqual((await isr()).sort(), [1, 2, 3], 'the ISR stayed whole');
    await admin.disconnect();
    const expected = Array.from({ length: sent * 10 }, (_, k) => `m${k}`);
    // Read from the moved leader (this also creates __consumer_offsets while three brokers live).
    assert.deepEqual(await readAll(kafka, 'reader-1', expected.length), expected);

    // Node 2's moved replica takes over: everything acknowledged is in it.
    await cluster.halt(1);
    const survivors = new Kafka({ clientId: 'jbod-reader', brokers: brokers.slice(1), logLevel: logLevel.NOTHING });
    const a2 = survivors.admin();
    await a2.connect();
    await waitFor('a new leader', async () => {
      const p = (await a2.fetchTopicMetadata({ topics: ['moved'] })).topics[0]?.partitions[0];
      return p !== undefined && p.leader !== 1 && p.leader >= 0 ? true : undefined;
    }, 60_000, 200);
    await a2.disconnect();
    assert.deepEqual(await readAll(survivors, 'reader-2', expected.length), expected);
  });

  async function readAll(kafka: Kafka, groupId: string, count: number): Promise<string[]> {
    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic: 'moved', fromBeginning: true });
    const values: string[] = [];
    try {
      await new Promise<void>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`${groupId} read ${values.length} of ${count} records in 45 s`)), 45_000);
        consumer.run({ eachMessage: async ({ message }) => {
          values.push(message.value?.toString() ?? '');
          if (values.length === count) {
            clearTimeout(timer);
            done();
          }
        } }).catch(fail);
      });
    } finally {
      await consumer.disconnect();
    }
    return values;
  }
});
