/**
 * Compaction seen by clients: a cleanup.policy=compact topic, read from the beginning after the
 * cleaner ran, holds exactly the latest value per key at its original offset (offsets keep their
 * gaps), and no tombstone older than delete.retention.ms; the log end offset is unchanged. The
 * cleaner looks for work every log.cleaner.backoff.ms: 200 ms on the broker the run starts
 * (Kafka: 15 s), with min.cleanable.dirty.ratio near 0, so compaction happens within seconds.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, NotRunError } from '../capability.js';
import { anyReader } from '../clients/index.js';
import { MIN_SEGMENT_BYTES, partition0 } from '../log-steps.js';
import type { ConsumedRecord } from '../records.js';
import { waitFor } from '../wait.js';

const ROUNDS = 5;

export default defineCapability({
  id: 'compaction',
  title: 'compaction: the latest value per key at its original offset; old tombstones gone',
  order: 320,
  requires: [{ api: ApiKey.CreateTopics }, { api: ApiKey.Produce, minVersion: 3 }, { api: ApiKey.ListOffsets, minVersion: 1 }],
  needsControlledBroker: 'log.cleaner.backoff.ms=200 runs the cleaner within seconds',
  cells: {
    async kafkajs(env, kjs) {
      const reader = anyReader(env, 'kafkajs');
      if (reader === undefined) throw new NotRunError('no group-less reader (kcat, confluent-kafka-python, kafka-python) installed to read the records back');
      const topic = await env.createTopic('compact', { partitions: 1, configs: {
        'cleanup.policy': 'compact', 'segment.bytes': String(MIN_SEGMENT_BYTES), 'min.cleanable.dirty.ratio': '0.01', 'delete.retention.ms': '60000',
      } });
      const s = kjs.session(env);
      const admin = await s.admin();
      const producer = await s.producer({ allowAutoTopicCreation: false });
      const latest = new Map<string, { offset: number; value: string | null }>();
      const send = async (messages: { key: string; value: string | null; timestamp?: string }[]): Promise<void> => {
        const r = await producer.send({ topic, acks: -1, messages });
        const base = Number(r[0]!.baseOffset);
        messages.forEach((m, i) => latest.set(m.key, { offset: base + i, value: m.value }));
      };
      // 40 KB values (the smallest segment Kafka allows is 1 MiB): the rounds fill about two segments.
      const pad = (v: string): string => v.padEnd(40_000, '.');
      for (let round = 0; round < ROUNDS; round++) {
        for (let k = 0; k < 10; k += 5) await send(Array.from({ length: 5 }, (_, j) => ({ key: `k${k + j}`, value: pad(`v${k + j}-${round}`) })));
      }
      const old = String(Date.now() - 3_600_000);
      await send([{ key: 'k0', value: null, timestamp: old }, { key: 'k1', value: null, timestamp: old }]);
      // Fresh tombstone: younger than delete.retention.ms, so it must survive compaction.
      await send([{ key: 'k2', value: null }]);
      // Push all of the above out of the active segment (which is never compacted).
      for (let i = 0; i < 10; i++) await send(Array.from({ length: 5 }, (_, j) => ({ key: `filler-${i}-${j}`, value: 'x'.repeat(25_000) })));
      const keyed = (rs: readonly ConsumedRecord[]): ConsumedRecord[] => rs.filter((r) => /^k\d$/.test(r.key ?? ''));
      const records = await waitFor('the cleaner to compact the topic', async () => {
        const rs = await reader.read(topic, 0, env.remainingMs(30_000));
        return keyed(rs).length <= 9 ? rs : undefined;
      }, env.remainingMs(30_000));
      const survivors = keyed(records);
      const expected = [...latest.entries()]
        .filter(([k]) => /^k\d$/.test(k) && !(k === 'k0' || k === 'k1'))
        .map(([key, v]) => ({ key, offset: v.offset, value: v.value }))
        .sort((a, b) => a.offset - b.offset);
      assert.deepEqual(survivors.map((r) => ({ key: r.key, offset: r.offset, value: r.value })), expected);
      // Offsets keep their gaps and order; every filler record is still there.
      const offsets = records.map((r) => r.offset);
      assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b));
      assert.equal(records.filter((r) => r.key?.startsWith('filler-')).length, 50);
      assert.equal((await partition0(admin, topic)).high, ROUNDS * 10 + 3 + 50, 'the log end offset is unchanged');
    },
  },
});
