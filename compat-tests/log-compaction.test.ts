/**
 * Compaction seen by real clients (issue #5): a cleanup.policy=compact topic, read from the
 * beginning after the cleaner ran, holds exactly the latest value per key at its original offset
 * and no tombstone older than delete.retention.ms. The cleaner runs every log.cleaner.backoff.ms
 * (200 ms here) with min.cleanable.dirty.ratio near 0, so it happens within seconds.
 */
import assert from 'node:assert/strict';
import { skipOrFail, uniqueTopic, waitFor } from './support/helpers.js';
import { anyReader, type ConsumedRecord } from './support/readers.js';
import { useKafkajsBroker } from './support/kafkajs-broker.js';

describe('log compaction (kafkajs producer, group-less reader)', function () {
  const fx = useKafkajsBroker('compat-log-compaction', { overrides: { 'num.partitions': '1', 'log.cleaner.backoff.ms': '200', 'log.segment.delete.delay.ms': '0' }, producer: { allowAutoTopicCreation: false } });

  it('keeps exactly the latest value per key at its original offset; old tombstones are gone', async function () {
    this.timeout(60_000);
    const reader = anyReader();
    if (reader === undefined) skipOrFail(this, 'no group-less reader (kcat or a Python client) is available');
    const topic = uniqueTopic('compact');
    await fx.admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, configEntries: [
      { name: 'cleanup.policy', value: 'compact' }, { name: 'segment.bytes', value: '1024' },
      { name: 'min.cleanable.dirty.ratio', value: '0.01' }, { name: 'delete.retention.ms', value: '60000' },
    ] }] });
    const latest = new Map<string, { offset: number; value: string | null }>();
    const send = async (messages: { key: string; value: string | null; timestamp?: string }[]): Promise<void> => {
      const r = await fx.producer.send({ topic, acks: -1, messages });
      const base = Number(r[0]!.baseOffset);
      messages.forEach((m, i) => latest.set(m.key, { offset: base + i, value: m.value }));
    };
    for (let round = 0; round < 20; round++) {
      await send(Array.from({ length: 10 }, (_, k) => ({ key: `k${k}`, value: `v${k}-${round}` })));
    }
    const old = String(Date.now() - 3_600_000);
    await send([{ key: 'k0', value: null, timestamp: old }, { key: 'k1', value: null, timestamp: old }]);
    // Fresh tombstone: younger than delete.retention.ms, so it must survive compaction.
    await send([{ key: 'k2', value: null }]);
    // Push all of the above out of the active segment (which is never compacted).
    for (let i = 0; i < 10; i++) await send(Array.from({ length: 5 }, (_, j) => ({ key: `filler-${i}-${j}`, value: 'x'.repeat(20) })));
    const keyed = (rs: readonly ConsumedRecord[]): ConsumedRecord[] => rs.filter((r) => /^k\d$/.test(r.key ?? ''));
    const records = await waitFor('the cleaner to compact the topic', async () => {
      const rs = await reader.read(fx.broker.bootstrap, topic);
      return keyed(rs).length <= 9 ? rs : undefined;
    }, 30_000);
    const survivors = keyed(records);
    const expected = [...latest.entries()]
      .filter(([k, v]) => /^k\d$/.test(k) && !(k === 'k0' || k === 'k1'))
      .map(([key, v]) => ({ key, offset: v.offset, value: v.value }))
      .sort((a, b) => a.offset - b.offset);
    assert.deepEqual(survivors.map((r) => ({ key: r.key, offset: r.offset, value: r.value })), expected);
    // Offsets keep their gaps and order; every filler record is still there.
    const offsets = records.map((r) => r.offset);
    assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b));
    assert.equal(records.filter((r) => r.key?.startsWith('filler-')).length, 50);
    const high = Number((await fx.admin.fetchTopicOffsets(topic))[0]!.high);
    assert.equal(high, 20 * 10 + 3 + 50, 'the log end offset is unchanged');
  });
});
