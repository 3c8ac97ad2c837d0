/**
 * DescribeLogDirs, as `kafka-log-dirs --describe` shows it: every broker's log directories and, for
 * the topics asked about, each partition's replica there with its size on disk (> 0 once records
 * were written), offset lag 0 (not a future replica being moved) and no error.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability } from '../capability.js';
import { consoleProduce, getOffsets, linesOf, toolOk } from '../kafka-cli-steps.js';

/** DescribeLogDirs: not (yet) in protocol/messages, so not in generated/api-keys (Kafka's key 35). */
const DESCRIBE_LOG_DIRS = 35;

const PARTITIONS = 3;

/** The JSON line kafka-log-dirs prints after "Received log directory information from brokers …". */
interface LogDirsJson {
  version: number;
  brokers: {
    broker: number;
    logDirs: {
      logDir: string;
      error: string | null;
      partitions: { partition: string; size: number; offsetLag: number; isFuture: boolean }[];
    }[];
  }[];
}

export default defineCapability({
  id: 'log-dirs',
  title: 'log directories: each partition\'s replica and its size (DescribeLogDirs)',
  order: 95,
  requires: [{ api: DESCRIBE_LOG_DIRS }, { api: ApiKey.Metadata, minVersion: 1 }, { api: ApiKey.Produce, minVersion: 3 }],
  cells: {
    kcat: { notApplicable: 'kcat has no admin API' },

    async 'kafka-cli'(env, cli) {
      const topic = await env.createTopic('log-dirs', { partitions: PARTITIONS });
      await consoleProduce(env, cli, topic, Array.from({ length: 300 }, (_, i) => `key-${i}:value-${i}`));
      const ends = await getOffsets(env, cli, topic, -1);
      assert.deepEqual([...ends.keys()].sort(), [0, 1, 2]);
      for (const [p, end] of ends) assert.ok(end > 0, `partition ${p} got records (keys spread): ${JSON.stringify([...ends])}`);

      const r = await toolOk(env, cli, 'kafka-log-dirs', ['--bootstrap-server', env.bootstrap, '--describe', '--topic-list', topic], { timeoutMs: 30_000 });
      const lines = linesOf(r);
      assert.equal(lines[0], 'Querying brokers for log directories information');
      assert.match(lines[1] ?? '', /^Received log directory information from brokers \d+(,\d+)*$/);
      const json = JSON.parse(lines[2] ?? 'null') as LogDirsJson;
      assert.equal(json.version, 1);
      assert.ok(json.brokers.length >= 1, 'at least one broker answered');

      const seen = new Map<string, number>();
      for (const b of json.brokers) {
        assert.ok(b.logDirs.length >= 1, `broker ${b.broker} has no log directory`);
        for (const d of b.logDirs) {
          assert.equal(d.error, null, `broker ${b.broker} ${d.logDir}: error ${d.error}`);
          for (const p of d.partitions) {
            assert.ok(p.partition.startsWith(`${topic}-`), `--topic-list ${topic} lists ${p.partition} too`);
            assert.equal(p.isFuture, false, `${p.partition} is not being moved`);
            assert.equal(p.offsetLag, 0, `${p.partition} offset lag`);
            assert.ok(p.size > 0, `${p.partition} holds records, size ${p.size}`);
            seen.set(p.partition, (seen.get(p.partition) ?? 0) + 1);
          }
        }
      }
      // Every partition's replicas: at least one each (the topic's replication factor on a cluster).
      assert.deepEqual([...seen.keys()].sort(), Array.from({ length: PARTITIONS }, (_, i) => `${topic}-${i}`));

      const c = env.controlled;
      if (c !== undefined) {
        assert.deepEqual(json.brokers.map((b) => [b.broker, b.logDirs.map((d) => d.logDir)]), [[c.nodeId, [c.logDir]]], 'the one node and its log.dirs');
        assert.deepEqual([...seen.values()], [1, 1, 1], 'one replica of each partition');
      }
    },
  },
});
