/**
 * Compaction seen by clients: a cleanup.policy=compact topic, read from the beginning after the
 * cleaner ran, holds exactly the latest record per key at its original offset (offsets keep their
 * gaps; a deleted key's latest record is its tombstone until tombstones are removed); the log end
 * offset is unchanged. Tombstones go in a later cleaning once delete.retention.ms has passed: as
 * Kafka 3.1+ does it (KIP-534), counted from the cleaning that first kept them, so the row sets it
 * short and makes the log dirty again until they are gone. The cleaner looks for work every
 * log.cleaner.backoff.ms: 200 ms on the broker the run starts (Kafka: 15 s), with
 * min.cleanable.dirty.ratio near 0, so compaction happens within seconds. Segments are the smallest
 * Kafka allows (1 MiB), filled with 40 KB values.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, NotRunError } from '../capability.js';
import { anyReader } from '../clients/index.js';
import { MIN_SEGMENT_BYTES, partition0 } from '../log-steps.js';
import type { ConsumedRecord } from '../records.js';
import { waitFor } from '../wait.js';

const ROUNDS = 5;
const KEYS = 10;
const DELETED = ['k0', 'k1', 'k2'];
const pad = (v: string, bytes: number): string => v.padEnd(bytes, '.');

export default defineCapability({
  id: 'compaction',
  title: 'compaction: the latest value per key at its original offset; tombstones removed after delete.retention.ms',
  order: 320,
  requires: [{ api: ApiKey.CreateTopics }, { api: ApiKey.Produce, minVersion: 3 }, { api: ApiKey.ListOffsets, minVersion: 1 }],
  needsControlledBroker: 'log.cleaner.backoff.ms=200 runs the cleaner within seconds',
  timeoutMs: 90_000,
  cells: {
    async kafkajs(env, kjs) {
      const reader = anyReader(env, 'kafkajs');
      if (reader === undefined) throw new NotRunError('no group-less reader (kcat, confluent-kafka-python, kafka-python) installed to read the records back');
      const topic = await env.createTopic('compact', { partitions: 1, configs: {
        'cleanup.policy': 'compact', 'segment.bytes': String(MIN_SEGMENT_BYTES), 'min.cleanable.dirty.ratio': '0.01', 'delete.retention.ms': '1000',
      } });
      const s = kjs.session(env);
      const admin = await s.admin();
      const producer = await s.producer({ allowAutoTopicCreation: false });
      const latest = new Map<string, { offset: number; value: string | null }>();
      let written = 0;
      const send = async (messages: { key: string; value: string | null }[]): Promise<void> => {
        const r = await producer.send({ topic, acks: -1, messages });
        const base = Number(r[0]!.baseOffset);
        messages.forEach((m, i) => latest.set(m.key, { offset: base + i, value: m.value }));
        written += messages.length;
      };
      // About 1.25 MB of records of other keys: pushes everything before them out of the active
      // segment (which is never compacted), so the cleaner has a dirty section to clean.
      let fillers = 0;
      const fill = async (): Promise<void> => {
        for (let i = 0; i < 10; i++, fillers++) await send(Array.from({ length: 5 }, (_, j) => ({ key: `filler-${fillers}-${j}`, value: 'x'.repeat(25_000) })));
      };
      for (let round = 0; round < ROUNDS; round++) {
        for (let k = 0; k < KEYS; k += 5) await send(Array.from({ length: 5 }, (_, j) => ({ key: `k${k + j}`, value: pad(`v${k + j}-${round}`, 40_000) })));
      }
      await send(DELETED.map((key) => ({ key, value: null })));
      await fill();

      const isKeyed = (r: ConsumedRecord): boolean => /^k\d$/.test(r.key ?? '');
      const read = (): Promise<ConsumedRecord[]> => reader.read(topic, 0, env.remainingMs(30_000));
      // Compacted: no record of k0..k9 left but each key's latest.
      const records = await waitFor('the cleaner to compact the topic', async () => {
        const rs = await read();
        return rs.filter(isKeyed).every((r) => latest.get(r.key ?? '')?.offset === r.offset) ? rs : undefined;
      }, env.remainingMs(30_000));
      const survivors = records.filter(isKeyed).map((r) => ({ key: r.key, offset: r.offset, value: r.value }));
      const expected = [...latest.entries()].filter(([k]) => /^k\d$/.test(k)).map(([key, v]) => ({ key, offset: v.offset, value: v.value }))
        // A tombstone may already be gone (delete.retention.ms is short): expect it only where it was read.
        .filter((e) => e.value !== null || survivors.some((r) => r.key === e.key))
        .sort((a, b) => a.offset - b.offset);
      assert.deepEqual(survivors, expected, 'the latest record per key, at its original offset');
      // Offsets keep their gaps and order; every filler record is still there.
      const offsets = records.map((r) => r.offset);
      assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b));
      assert.equal(records.filter((r) => r.key?.startsWith('filler-')).length, 50);
      assert.equal((await partition0(admin, topic)).high, written, 'the log end offset is unchanged');

      // Tombstones past delete.retention.ms go in a later cleaning: make the log dirty again until they have.
      const final = await waitFor('the tombstones removed by a later cleaning', async () => {
        const rs = await read();
        if (rs.some((r) => DELETED.includes(r.key ?? ''))) {
          await fill();
          return undefined;
        }
        return rs;
      }, env.remainingMs(45_000), 1000);
      assert.deepEqual(final.filter(isKeyed).map((r) => r.key).sort(), Array.from({ length: KEYS }, (_, k) => `k${k}`).filter((k) => !DELETED.includes(k)));
      assert.equal((await partition0(admin, topic)).high, written, 'the log end offset is unchanged');
    },

    async java(env, j) {
      // Kafka 4.x refuses segment.bytes below 1 MiB: segments roll by time instead (segment.ms=100,
      // each group of sends 150 ms after the previous one). Tombstones are fresh: within
      // delete.retention.ms both Kafka's delete horizon (KIP-534) and record times keep them.
      const topic = await env.createTopic('compact', { partitions: 1, configs: {
        'cleanup.policy': 'compact', 'segment.ms': '100', 'min.cleanable.dirty.ratio': '0.01', 'delete.retention.ms': '600000',
      } });
      const groups: [string, string | null, null][][] = [];
      for (let round = 0; round < 20; round++) groups.push(Array.from({ length: 10 }, (_, k) => [`k${k}`, `v${k}-${round}`, null]));
      groups.push([['k0', null, null], ['k1', null, null]]);
      // Push all of the above out of the active segment (which is never compacted).
      for (let i = 0; i < 5; i++) groups.push(Array.from({ length: 10 }, (_, f) => [`filler-${i}-${f}`, 'x'.repeat(20), null]));
      const delivered = await j.command<{ type: string; key?: string; offset?: number }>(env, 'produce_keyed', { topic, partition: 0, groups, pause_ms: 150 }, 45_000);
      // One partition, sent in order: a key's latest message is its highest offset and its last value sent.
      const latestOffset = new Map<string, number>();
      for (const d of delivered.filter((l) => l.type === 'delivered')) {
        latestOffset.set(d.key ?? '', Math.max(latestOffset.get(d.key ?? '') ?? -1, d.offset ?? -1));
      }
      const lastValue = new Map<string, string | null>();
      for (const [k, v] of groups.flat()) lastValue.set(k, v);
      const keyed = (rs: readonly ConsumedRecord[]): ConsumedRecord[] => rs.filter((r) => /^k\d$/.test(r.key ?? ''));
      const records = await waitFor('the cleaner to compact the topic', async () => {
        const rs = await j.readAll(env, topic, 0, env.remainingMs(30_000));
        return keyed(rs).length <= 10 ? rs : undefined;
      }, env.remainingMs(40_000), 500);
      const expected = [...latestOffset.entries()].filter(([k]) => /^k\d$/.test(k))
        .map(([key, offset]) => ({ key, offset, value: lastValue.get(key) ?? null }))
        .sort((x, y) => x.offset - y.offset);
      assert.deepEqual(keyed(records).map((r) => ({ key: r.key, offset: r.offset, value: r.value })), expected,
        'the latest value (or tombstone) of each key, at its original offset');
      const offsets = records.map((r) => r.offset);
      assert.deepEqual(offsets, [...offsets].sort((x, y) => x - y));
      assert.equal(records.filter((r) => r.key?.startsWith('filler-')).length, 50);
      assert.equal((await j.offsets(env, topic))[0]?.high, 20 * 10 + 2 + 50, 'the log end offset is unchanged');
    },
  },
});
