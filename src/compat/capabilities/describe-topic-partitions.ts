/**
 * DescribeTopicPartitions (KIP-966), as `kafka-topics --describe` uses it in Kafka 4.x: when the
 * endpoint advertises it, the tool asks for the topics matching a pattern a page at a time
 * (--partition-size-limit-per-response, the request's ResponsePartitionLimit, continued with its
 * Cursor) and prints each partition's eligible leader replicas (Elr, LastKnownElr). Over Metadata
 * (the fallback) there is no ELR and the tool prints N/A.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability } from '../capability.js';
import { linesOf, toolOk } from '../kafka-cli-steps.js';

/** DescribeTopicPartitions: not (yet) in protocol/messages, so not in generated/api-keys (Kafka's key 75). */
const DESCRIBE_TOPIC_PARTITIONS = 75;

export default defineCapability({
  id: 'describe-topic-partitions',
  title: 'describe topics a page at a time, with ELR (DescribeTopicPartitions)',
  order: 11,
  requires: [{ api: DESCRIBE_TOPIC_PARTITIONS }, { api: ApiKey.Metadata, minVersion: 1 }],
  cells: {
    kcat: { notApplicable: 'kcat has no admin API' },

    async 'kafka-cli'(env, cli) {
      const sizes = new Map([[await env.createTopic('dtp-a', { partitions: 5 }), 5], [await env.createTopic('dtp-b', { partitions: 2 }), 2]]);
      // Two partitions per response: the 7 partitions take four pages, the first topic spans three.
      const r = await toolOk(env, cli, 'kafka-topics', ['--bootstrap-server', env.bootstrap, '--describe',
        '--topic', `${env.prefix}dtp-.*`, '--partition-size-limit-per-response', '2'], { timeoutMs: 30_000 });
      const headers = new Map<string, number>();
      const partitions = new Map<string, number[]>();
      for (const line of linesOf(r)) {
        const header = /^Topic: (\S+)\tTopicId: \S+\tPartitionCount: (\d+)\t/.exec(line);
        if (header !== null) {
          assert.ok(!headers.has(header[1] ?? ''), `${header[1]} described twice`);
          headers.set(header[1] ?? '', Number(header[2]));
          continue;
        }
        const m = /^\tTopic: (\S+)\tPartition: (\d+)\tLeader: (-?\d+)\tReplicas: ([\d,]+)\tIsr: ([\d,]+)\tElr: (.*)\tLastKnownElr: (.*)$/.exec(line);
        assert.ok(m !== null, `kafka-topics --describe printed ${JSON.stringify(line)}`);
        const [, topic = '', partition, leader, replicas = '', isr = '', elr, lastKnownElr] = m;
        // A healthy partition has all its replicas in the ISR: no eligible leader replicas, none lost.
        // "N/A" would mean the tool fell back to Metadata.
        assert.deepEqual([elr, lastKnownElr], ['', ''], `${topic}-${partition}: Elr and LastKnownElr are empty lists`);
        assert.ok(replicas.split(',').includes(leader ?? '') && isr.split(',').includes(leader ?? ''), `${topic}-${partition}: leader ${leader} in replicas ${replicas} and ISR ${isr}`);
        partitions.set(topic, [...(partitions.get(topic) ?? []), Number(partition)]);
      }
      assert.deepEqual([...headers].sort(), [...sizes].sort(), 'every matching topic, with its partition count');
      for (const [topic, n] of sizes) {
        assert.deepEqual(partitions.get(topic), Array.from({ length: n }, (_, i) => i), `${topic}: every partition once, in order, across the pages`);
      }
    },
  },
});
