import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { InProcessCluster } from './testing/in-process-cluster.js';
import { waitFor } from './compat/wait.js';

/** Polls `check` (bounded, 30 s) until it returns a value: compat's waitFor. */
const until = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> => waitFor(what, check, timeoutMs, 100);

describe('stray replicas: logs a broker keeps for partitions moved or deleted while it was down', function () {
  this.timeout(120_000);
  let cluster: InProcessCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('are deleted once the broker is back and caught up; its other replicas stay', async () => {
    cluster = await InProcessCluster.start({ nodes: 3, config: { 'broker.session.timeout.ms': '2000', 'broker.heartbeat.interval.ms': '250' } });
    const c = cluster;
    const kafka = new Kafka({ clientId: 'stray-test', brokers: c.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 } });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const on12 = [{ partition: 0, replicas: [1, 2] }];
      await admin.createTopics({
        topics: [
          { topic: 'moved-away', replicaAssignment: on12 },
          { topic: 'deleted', replicaAssignment: on12 },
          { topic: 'kept', replicaAssignment: on12 },
        ],
        waitForLeaders: true,
      });
      const producer = kafka.producer({ idempotent: true });
      await producer.connect();
      for (const topic of ['moved-away', 'deleted', 'kept']) await producer.send({ topic, acks: -1, messages: [{ value: topic }] });
      await producer.disconnect();
      const dir = (name: string): string => join(c.root, 'node-2', `${name}-0`);
      assert.ok(existsSync(dir('moved-away')) && existsSync(dir('deleted')) && existsSync(dir('kept')), 'node 2 hosts all three');

      await c.halt(2);
      // Node 2 fenced (and, if it was, no longer the controller clients are sent to).
      await until('node 2 fenced', async () => ((await admin.describeCluster()).brokers.length === 2 ? true : undefined));
      // While node 2 is down: one partition moves to [1, 3], another topic is deleted.
      await admin.alterPartitionReassignments({ topics: [{ topic: 'moved-away', partitionAssignment: [{ partition: 0, replicas: [1, 3] }] }] });
      await until('the reassignment completed', async () => {
        const p = (await admin.fetchTopicMetadata({ topics: ['moved-away'] })).topics[0]?.partitions[0];
        return p !== undefined && [...p.replicas].sort().join() === '1,3' ? true : undefined;
      });
      await admin.deleteTopics({ topics: ['deleted'] });
      await until('the topic is gone', async () => ((await admin.listTopics()).includes('deleted') ? undefined : true));

      const node2 = await c.startNode(2);
      await node2.ready;
      await until('node 2 deleted its stray replicas', async () => (!existsSync(dir('moved-away')) && !existsSync(dir('deleted')) ? true : undefined));
      assert.ok(existsSync(dir('kept')), 'a replica still placed on node 2 is kept');
      const offsets = await admin.fetchTopicOffsets('moved-away');
      assert.equal(offsets[0]?.high, '1', 'the moved partition keeps its record on its new replicas');
    } finally {
      await admin.disconnect();
    }
  });
});
