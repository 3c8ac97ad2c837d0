/**
 * The produce path's side of broker-side schema validation (README "Schema registry"): which
 * topics are validated (their `confluent.key.schema.validation` / `confluent.value.schema.validation`
 * configs), and the precheck that decodes a batch (compressed ones included) and asks the node's
 * schema registry about each record. A batch with any refused record gets INVALID_RECORD with one
 * record error per refused record, and nothing of it is appended (the partition's precheck runs
 * before offsets are assigned). Topics without those configs never pay for a look inside.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { batchPositions, decodeRecordBatch } from '../../protocol/records/record-batch-reader.js';
import type { AppendOutcome } from '../../partition/partition.js';
import { TOPIC_NAME_STRATEGY, type RecordSchemaValidator, type RecordToCheck, type SchemaRules } from '../../schema-registry/validator.js';

type Rejected = Extract<AppendOutcome, { kind: 'rejected' }>;

/** The topic's validation rules, or null when neither side is validated (the fast path). */
export function schemaRulesOf(topicConfig: ReadonlyMap<string, string>): SchemaRules | null {
  const key = topicConfig.get('confluent.key.schema.validation')?.toLowerCase() === 'true';
  const value = topicConfig.get('confluent.value.schema.validation')?.toLowerCase() === 'true';
  if (!key && !value) return null;
  return {
    key,
    value,
    keyStrategy: topicConfig.get('confluent.key.subject.name.strategy') ?? TOPIC_NAME_STRATEGY,
    valueStrategy: topicConfig.get('confluent.value.subject.name.strategy') ?? TOPIC_NAME_STRATEGY,
  };
}

/** Refuses the batch when any record fails validation; null lets it be appended. */
export async function refuseInvalidSchemaRecords(topic: string, index: number, records: Buffer, rules: SchemaRules, validator: RecordSchemaValidator | null): Promise<Rejected | null> {
  if (validator === null) {
    return { kind: 'rejected', errorCode: ErrorCode.INVALID_RECORD, message: `Topic ${topic} requires schema validation (confluent.*.schema.validation=true), but this broker has no schema registry ready (schema.registry.listeners is empty, or the registry is still reading _schemas)` };
  }
  let toCheck: RecordToCheck[];
  try {
    toCheck = await recordsOf(records);
  } catch (e) {
    return { kind: 'rejected', errorCode: ErrorCode.CORRUPT_MESSAGE, message: e instanceof Error ? e.message : String(e) };
  }
  const problems = await validator.problems(topic, toCheck, rules);
  if (problems.length === 0) return null;
  const shown = problems.slice(0, 3).map((e) => `RecordError(batchIndex=${e.batchIndex}, message='${e.message}')`).join(', ');
  return {
    kind: 'rejected',
    errorCode: ErrorCode.INVALID_RECORD,
    recordErrors: problems,
    message: `One or more records have been rejected due to ${problems.length} record errors in total, and only showing the first three errors at most: [${shown}] (schema validation of ${topic}-${index})`,
  };
}

/** Every data record of the batches with Kafka's batchIndex (control records are counted, not checked). */
async function recordsOf(buf: Buffer): Promise<RecordToCheck[]> {
  const out: RecordToCheck[] = [];
  let index = 0;
  for (const pos of batchPositions(buf)) {
    const batch = await decodeRecordBatch(buf, pos);
    for (const r of batch.records) {
      if (!batch.header.isControl) out.push({ index, key: r.key, value: r.value });
      index++;
    }
  }
  return out;
}
