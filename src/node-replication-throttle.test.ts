/**
 * Replication throttles (KIP-73) in a 3-node cluster in one process: a reassignment adds broker 3
 * to a partition holding 3 MB while leader and follower throttles of 200 KB/s are set through
 * AlterConfigs, as kafka-reassign-partitions --throttle sets them. The new replica's copy stays
 * under the throttle (an upper bound only: rate × elapsed, plus a window and one fetch of slack),
 * and broker 3 exports its FollowerReplication byte-rate;
 * an unthrottled partition moved at the same time completes; once the throttle configs are
 * deleted the throttled reassignment completes too.
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import kafkajs, { Kafka, logLevel, type Admin } from 'kafkajs';
import { InProcessCluster } from './testing/in-process-cluster.js';
import { waitFor } from './compat/wait.js';

// kafkajs is CommonJS: its enums come with the default export.
const { ConfigResourceTypes } = kafkajs;
const RATE = 200_000; // bytes/s
const FETCH_MAX_BYTES = 65_536; // replica.fetch.max.bytes: what one fetch may bring past the bound
const VALUE = Buffer.alloc(10_000, 'x');

/** Bytes of `topic`-0's log segments on `cluster`'s node `id` (0 when it has no replica yet). */
function replicaBytes(cluster: InProcessCluster, id: number, topic: string): number {
  let total = 0;
  for (const dir of cluster.node(id)?.logDirs ?? []) {
    const partitionDir = join(dir, `${topic}-0`);
    let names: string[];
    try {
      names = readdirSync(partitionDir);
    } catch {
      continue;
    }
    for (const n of names) if (n.endsWith('.log')) total += statSync(join(partitionDir, n)).size;
  }
  return total;
}

/** Produces `bytes` of 10 KB records, 4 per batch (so no batch is larger than one replica fetch). */
async function fill(kafka: Kafka, topic: string, bytes: number): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    for (let sent = 0; sent < bytes; sent += 4 * VALUE.length) {
      await producer.send({ topic, acks: -1, messages: [0, 1, 2, 3].map(() => ({ value: VALUE })) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** The value of one unlabelled series in a Prometheus exposition (0 when absent). */
const series = (text: string, name: string): number => Number(text.split('\n').find((l) => l.startsWith(`${name} `))?.slice(name.length + 1) ?? 0);

const reassigned = async (admin: Admin, topic: string): Promise<boolean> => {
  const listed = await admin.listPartitionReassignments({ topics: [{ topic, partitions: [0] }] });
  if (listed.topics.some((t) => t.partitions.length > 0)) return false;
  const p = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions[0];
  return p !== undefined && [...p.replicas].sort().join() === '1,2,3' && p.isr.includes(3);
};

describe('replication throttles in a 3-node cluster (KIP-73)', function () {
  this.timeout(60_000);
  let cluster: InProcessCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('a reassignment copies at most the throttle rate; an unthrottled one runs alongside; deleting the throttle lets it complete', async () => {
    cluster = await InProcessCluster.start({
      nodes: 3,
      config: { 'replica.fetch.max.bytes': String(FETCH_MAX_BYTES) },
      nodeConfig: (id): Record<string, string> => (id === 3 ? { 'tributary.metrics.listeners': 'http://127.0.0.1:0' } : {}),
    });
    const kafka = new Kafka({ clientId: 'throttle-test', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await waitFor('three brokers', async () => (await admin.describeCluster()).brokers.length === 3, 30_000, 100);
      const assignment = [{ partition: 0, replicas: [1, 2] }];
      await admin.createTopics({ topics: [{ topic: 'slow', replicaAssignment: assignment }, { topic: 'free', replicaAssignment: assignment }], waitForLeaders: true });
      await fill(kafka, 'slow', 3_000_000);
      await fill(kafka, 'free', 1_000_000);
      // What kafka-reassign-partitions --throttle sets: the rates on every broker involved, the
      // leader throttle on the existing replicas, the follower throttle on the added one.
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          ...[1, 2, 3].map((id) => ({ type: ConfigResourceTypes.BROKER, name: String(id), configEntries: [{ name: 'leader.replication.throttled.rate', value: String(RATE) }, { name: 'follower.replication.throttled.rate', value: String(RATE) }] })),
          { type: ConfigResourceTypes.TOPIC, name: 'slow', configEntries: [{ name: 'leader.replication.throttled.replicas', value: '0:1,0:2' }, { name: 'follower.replication.throttled.replicas', value: '0:3' }] },
        ],
      });
      const started = Date.now();
      await admin.alterPartitionReassignments({ topics: ['slow', 'free'].map((topic) => ({ topic, partitionAssignment: [{ partition: 0, replicas: [1, 2, 3] }] })) });

      // Upper bound only: rate × elapsed (at least one window), one more window, one fetch.
      const bound = (): number => RATE * Math.max(1, (Date.now() - started) / 1000) + RATE + FETCH_MAX_BYTES;
      let copied = 0;
      while (Date.now() - started < 4000) {
        copied = replicaBytes(cluster, 3, 'slow');
        assert.ok(copied <= bound(), `broker 3 copied ${copied} bytes after ${Date.now() - started} ms (bound ${Math.round(bound())})`);
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(copied < 3_000_000, 'the throttled copy is not complete');
      // Kafka's FollowerReplication byte-rate: what broker 3 fetched of throttled partitions, per second.
      const followerRate = await waitFor('broker 3 reports a follower replication byte rate', async () => {
        const rate = series(await (await fetch(cluster?.node(3)?.metricsUrls[0] ?? '')).text(), 'kafka_server_followerreplication_byte_rate');
        return rate > 0 ? rate : undefined;
      }, 20_000, 200);
      assert.ok(followerRate <= 2 * RATE, `follower byte rate ${followerRate}`);
      await waitFor('the unthrottled reassignment completes while the throttle is set', () => reassigned(admin, 'free'), 20_000, 200);
      assert.ok(replicaBytes(cluster, 3, 'slow') <= bound(), 'still under the throttle');

      // What kafka-reassign-partitions --verify clears.
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          ...[1, 2, 3].map((id) => ({ type: ConfigResourceTypes.BROKER, name: String(id), configEntries: [] })),
          { type: ConfigResourceTypes.TOPIC, name: 'slow', configEntries: [] },
        ],
      });
      await waitFor('the throttled reassignment completes once the throttle is gone', () => reassigned(admin, 'slow'), 20_000, 200);
      assert.equal(replicaBytes(cluster, 3, 'slow'), replicaBytes(cluster, 1, 'slow'));
    } finally {
      await admin.disconnect();
    }
  });
});
