/**
 * Workload 8: what broker-side schema validation costs the produce path. One Tributary process
 * with its schema registry on; the same 1 KiB Avro records (Confluent's wire format: magic byte,
 * schema id, then a record of one 1017-character string) go to a topic with
 * confluent.value.schema.validation=true and to a plain topic, alternating which goes first. In
 * the table "ours" is the validated topic and "reference" the plain one, so ours/ref is the
 * validated/plain throughput ratio.
 *
 * The validated topic must hold every record afterwards (none refused), so the row cannot pass
 * with the records silently rejected.
 */
import { startTributary } from '../brokers.js';
import { num, runTool } from '../tools.js';
import { type BenchContext, row, topicName } from './context.js';
import type { Row } from '../report.js';

const SIZE = 1024;
/** Header (5) + the string's zigzag-varint length (2) + the string = SIZE. */
const STRING_LENGTH = SIZE - 5 - 2;
const SCHEMA = JSON.stringify({ type: 'record', name: 'BenchBlob', namespace: 'tributary.bench', fields: [{ name: 's', type: 'string' }] });

function avroPrefix(id: number): string {
  const header = Buffer.alloc(5);
  header.writeInt32BE(id, 1);
  let zigzag = STRING_LENGTH * 2;
  const len: number[] = [];
  while (zigzag >= 0x80) {
    len.push((zigzag & 0x7f) | 0x80);
    zigzag >>>= 7;
  }
  len.push(zigzag);
  if (5 + len.length + STRING_LENGTH !== SIZE) throw new Error('the Avro length prefix is not 2 bytes');
  return Buffer.concat([header, Buffer.from(len)]).toString('hex');
}

export async function schemaValidationWorkload(ctx: BenchContext): Promise<Row[]> {
  const r = row('8. produce 1 KiB Avro acks=1 1p, validated topic (ref = plain topic)', 'MB/s', true);
  const broker = await startTributary({ overrides: { 'schema.registry.listeners': 'http://127.0.0.1:0', 'group.initial.rebalance.delay.ms': '0' } });
  try {
    if (broker.schemaRegistryUrl === undefined) throw new Error('the node printed no schema registry URL');
    for (let run = 0; run < ctx.sizes.runs; run++) {
      const validated = topicName('avro-validated');
      const plain = topicName('avro-plain');
      await broker.createTopic(validated, 1, { 'confluent.value.schema.validation': 'true' });
      await broker.createTopic(plain, 1);
      const res = await fetch(`${broker.schemaRegistryUrl}/subjects/${validated}-value/versions`, { method: 'POST', headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' }, body: JSON.stringify({ schema: SCHEMA }) });
      const { id } = (await res.json()) as { id: number };
      if (res.status !== 200) throw new Error(`registering the bench schema answered ${res.status}`);
      const count = ctx.sizes.produceMessages1KiB;
      const order: [string, 'validated' | 'plain'][] = run % 2 === 0 ? [[validated, 'validated'], [plain, 'plain']] : [[plain, 'plain'], [validated, 'validated']];
      for (const [topic, label] of order) {
        const out = await runTool(ctx.tools, 'producer-perf', [broker.bootstrap, topic, count, SIZE, 0, 'acks=1', `bench.payload.prefix=${avroPrefix(id)}`]);
        if (num(out, 'messages') !== count) throw new Error(`${label}: ${num(out, 'messages')} of ${count} records delivered (${JSON.stringify(out)})`);
        ctx.log(`  run ${run + 1} ${label}: ${num(out, 'mbPerSec').toFixed(1)} MB/s`);
        (label === 'validated' ? r.ours : r.reference).push(num(out, 'mbPerSec'));
      }
    }
  } finally {
    await broker.stop();
  }
  return [r];
}
