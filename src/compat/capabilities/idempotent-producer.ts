/**
 * The idempotent producer (InitProducerId, then batches carrying producer id, epoch and sequence
 * numbers): each client writes N records with idempotence on, and exactly N are read back, once
 * each, in send order per partition, at dense offsets.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, type CompatEnv } from '../capability.js';
import type { DriverHandle } from '../clients/java.js';
import { readBack } from '../checks.js';
import { assertRanOk } from '../process.js';
import { assertAllInOrder, assertSameAsDelivered } from '../records.js';

const N = 2000;

/** The driver-protocol clients (confluent-kafka-python 1.x and 2.x, java, franz-go): N idempotent records, read back by the same client. */
async function driverCell(env: CompatEnv, py: DriverHandle): Promise<void> {
  const topic = await env.createTopic('idempotent', { partitions: 3 });
  const delivered = await py.produce(env, { topic, count: N, idempotence: true });
  assert.equal(delivered.length, N);
  const records = await py.readAll(env, topic, N);
  assertSameAsDelivered(records, delivered, { src: py.srcTag });
  const parts = assertAllInOrder(records, N, (i) => ({ value: `value-${i}`, headers: [['idx', String(i)], ['src', py.srcTag]] }));
  assert.ok(parts.size >= 2, 'keys spread over several partitions');
}

export default defineCapability({
  id: 'idempotent-producer',
  title: 'idempotent producer (enable.idempotence): every record once, in order',
  order: 25,
  requires: [{ api: ApiKey.InitProducerId }, { api: ApiKey.Produce, minVersion: 3 }, { api: ApiKey.Fetch, minVersion: 4 }],
  timeoutMs: 90_000,
  cells: {
    async kafkajs(env, kjs) {
      const topic = await env.createTopic('idempotent', { partitions: 3 });
      const p = await kjs.session(env).producer({ idempotent: true, maxInFlightRequests: 1 });
      for (let from = 0; from < N; from += 500) {
        await p.send({
          topic, acks: -1,
          messages: Array.from({ length: Math.min(500, N - from) }, (_, k) => {
            const i = from + k;
            return { key: `key-${i}`, value: `value-${i}`, headers: { idx: String(i), src: 'kafkajs' } };
          }),
        });
      }
      const { records } = await readBack(env, 'kafkajs', topic, N);
      const parts = assertAllInOrder(records, N, (i) => ({ value: `value-${i}`, headers: [['idx', String(i)], ['src', 'kafkajs']] }));
      assert.ok(parts.size >= 2, 'keys spread over several partitions');
    },

    async kcat(env, kcat) {
      const topic = await env.createTopic('idempotent', { partitions: 3 });
      const lines = Array.from({ length: N }, (_, i) => `key-${i}:value-${i}`);
      const r = await kcat.run(env, ['-b', env.bootstrap, '-P', '-t', topic, '-K', ':', '-X', 'enable.idempotence=true'], { input: lines.join('\n') + '\n', timeoutMs: 30_000 });
      assertRanOk(r);
      assert.doesNotMatch(r.stderr, /fail|error/i, `kcat -P -X enable.idempotence=true reported: ${r.stderr}`);
      const parts = assertAllInOrder(await kcat.readAll(env, topic), N, (i) => ({ value: `value-${i}`, headers: [] }));
      assert.ok(parts.size >= 2, 'keys spread over several partitions');
    },

    'confluent-kafka-python': driverCell,
    java: driverCell,
    'franz-go': driverCell,
    'confluent-kafka-python-2': driverCell,

    'kafka-python': { notApplicable: 'kafka-python 2.0.2 has no idempotent producer' },
  },
});
