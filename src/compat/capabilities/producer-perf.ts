/**
 * kafka-producer-perf-test, the tool people point at a cluster first: N records of a fixed size with
 * acks=all as fast as the producer goes, its summary line says all N were sent, nothing was
 * reported failing, and a consumer then reads exactly N.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability } from '../capability.js';
import { consumeAll, endOffsetSum, linesOf, toolOk } from '../kafka-cli-steps.js';

const RECORDS = 20_000;
const RECORD_SIZE = 100;

export default defineCapability({
  id: 'producer-perf',
  title: 'kafka-producer-perf-test: N records sent, no errors, N read back',
  order: 45,
  requires: [{ api: ApiKey.Produce, minVersion: 3 }, { api: ApiKey.Fetch, minVersion: 4 }, { api: ApiKey.ListOffsets, minVersion: 1 }],
  timeoutMs: 120_000,
  cells: {
    async 'kafka-cli'(env, cli) {
      const topic = await env.createTopic('perf', { partitions: 3 });
      const r = await toolOk(env, cli, 'kafka-producer-perf-test', [
        '--topic', topic, '--num-records', String(RECORDS), '--record-size', String(RECORD_SIZE), '--throughput', '-1',
        '--command-property', `bootstrap.servers=${env.bootstrap}`, 'acks=all', 'linger.ms=5',
      ], { timeoutMs: 90_000 });
      // A failed send is printed (with its exception) by the tool's callback; the run still exits 0.
      assert.doesNotMatch(r.stdout + r.stderr, /Exception|ERROR/, `kafka-producer-perf-test reported errors:\n${r.stderr.slice(-3000)}`);
      const summary = linesOf(r).at(-1) ?? '';
      assert.match(summary, new RegExp(`^${RECORDS} records sent, [\\d.]+ records/sec \\([\\d.]+ MB/sec\\), [\\d.]+ ms avg latency, [\\d.]+ ms max latency, \\d+ ms 50th, \\d+ ms 95th, \\d+ ms 99th, \\d+ ms 99\\.9th\\.$`),
        'the summary line');

      assert.equal(await endOffsetSum(env, cli, topic), RECORDS, 'kafka-get-offsets --time -1 sums to the records sent');
      const records = await consumeAll(env, cli, topic, RECORDS);
      assert.equal(records.length, RECORDS);
      // The tool sends random upper-case payloads of --record-size bytes, no key.
      for (const rec of records) {
        assert.equal(rec.key, null);
        assert.match(rec.value ?? '', new RegExp(`^[A-Z]{${RECORD_SIZE}}$`));
      }
      const perPartition = new Map<number, number[]>();
      for (const rec of records) perPartition.set(rec.partition, [...(perPartition.get(rec.partition) ?? []), rec.offset]);
      for (const [p, offsets] of perPartition) {
        assert.deepEqual(offsets, Array.from({ length: offsets.length }, (_, i) => i), `partition ${p}: offsets dense from 0, in order`);
      }
    },
  },
});
