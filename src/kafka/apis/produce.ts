/**
 * Produce (key 0), v0-v11 advertised; v3-v11 served. v0-v2 carry the old message formats that
 * Kafka 4 no longer accepts; they stay advertised on purpose (KAFKA-18659: librdkafka < 2.11.1
 * otherwise silently stops compressing), and every partition of such a request gets
 * UNSUPPORTED_VERSION, as Kafka 4 answers.
 *
 * Versions: v3 transactional id + RecordBatch v2 only; v5 log_start_offset; v7 zstd allowed;
 * v8 record errors and error message; v9 flexible; v10 current leader / node endpoints tags;
 * v11 nothing new on the wire. acks=0 gets no response at all; when any partition of an acks=0
 * request fails, the connection is closed instead (as Kafka's KafkaApis does), so that the producer,
 * which reads no answer, notices, reconnects and refreshes its metadata.
 *
 * The hot path: validate each partition's batch (size, magic, CRC32C, framing) without
 * decompressing, then append the bytes as received; offsets are assigned synchronously here, in
 * request order. Errors per partition: UNKNOWN_TOPIC_OR_PARTITION (3), CORRUPT_MESSAGE (2),
 * MESSAGE_TOO_LARGE (10), INVALID_RECORD (87; on a compacted topic for records without a key, with
 * one record error each, as Kafka's LogValidator), UNSUPPORTED_COMPRESSION_TYPE (76),
 * OUT_OF_ORDER_SEQUENCE_NUMBER (45) and INVALID_PRODUCER_EPOCH (47) for idempotent producers (a
 * retried batch is answered with its original offset; a zombie fenced by a newer epoch, written by a
 * transaction marker, gets INVALID_PRODUCER_EPOCH), INVALID_TXN_STATE (48) for a non-transactional
 * batch while the producer's transaction is open, UNSUPPORTED_VERSION (35), RECORD_LIST_TOO_LARGE (18) above segment.bytes, NOT_LEADER_OR_FOLLOWER (6)
 * for a replica deleted meanwhile or not the leader, KAFKA_STORAGE_ERROR (56); INVALID_REQUIRED_ACKS (21) for acks other
 * than -1, 0, 1. acks=all (partition/leader-role.ts): NOT_ENOUGH_REPLICAS (19) when the ISR is below
 * min.insync.replicas before the append, NOT_ENOUGH_REPLICAS_AFTER_APPEND (20) when it shrank below
 * it before the HW passed the batch, REQUEST_TIMED_OUT (7) after timeout_ms. Topics with
 * confluent.{key,value}.schema.validation=true get INVALID_RECORD with record errors for records
 * whose schema id or payload the schema registry refuses (produce-schema-check.ts).
 */
import { ErrorCode, errorName } from '../../protocol/generated/error-codes.js';
import { decodeProduceRequest, produceRequestMeta, type ProduceRequest } from '../../protocol/generated/messages/produce-request.js';
import {
  encodeProduceResponse,
  type PartitionProduceResponse,
  type ProduceResponse,
} from '../../protocol/generated/messages/produce-response.js';
import { validateRecordBatches } from '../../protocol/records/record-batch-validator.js';
import { lastSequenceOf } from '../../partition/producer-state.js';
import type { AppendOutcome, RecordError } from '../../partition/partition.js';
import { keylessRecordIndexes } from '../../protocol/records/keyless-records.js';
import { topicNameProblem } from '../../controller/topic-names.js';
import { isUnexpectedStorageError, storageErrorCode } from '../../partition/storage-error-codes.js';
import { CloseConnection, defineApi } from '../api.js';
import type { RequestContext } from '../context.js';
import { autoCreateTopics } from '../auto-create.js';
import { refuseInvalidSchemaRecords, schemaRulesOf } from './produce-schema-check.js';

const FIRST_SERVED_VERSION = 3;

export const produceApi = defineApi<ProduceRequest, ProduceResponse>({
  meta: produceRequestMeta,
  minVersion: 0,
  maxVersion: 11,
  exclusive: false,
  // Every batch is written to the log before the handler completes, and nothing keeps a view of
  // the request after that (producer state holds numbers), so the frame's buffer can be reused.
  releasesFrame: true,
  decode: decodeProduceRequest,
  encode: encodeProduceResponse,
  async handle(req, ctx) {
    const pending = req.topicData.map((topic) => ({
      name: topic.name,
      partitions: topic.partitionData.map((p) => appendPartition(topic.name, p.index, p.records, req, ctx)),
    }));
    maybeAutoCreate(req, ctx);
    const responses = await Promise.all(
      pending.map(async (t) => ({ name: t.name, partitionResponses: await Promise.all(t.partitions) })),
    );
    if (req.acks !== 0) return { responses, throttleTimeMs: 0 };
    const failure = firstFailure(responses);
    return failure === null ? null : new CloseConnection(`acks=0 produce failed: ${failure}`);
  },
});

/** The first partition error of a produce response, as "topic-partition: CODE message", or null. */
function firstFailure(responses: ProduceResponse['responses']): string | null {
  for (const t of responses) {
    for (const p of t.partitionResponses) {
      if (p.errorCode !== ErrorCode.NONE) return `${t.name}-${p.index}: ${errorName(p.errorCode)}${p.errorMessage === null ? '' : ` (${p.errorMessage})`}`;
    }
  }
  return null;
}

/** Starts the append synchronously (so offsets follow request order) and resolves with the outcome. */
function appendPartition(topic: string, index: number, records: Buffer | null, req: ProduceRequest, ctx: RequestContext): Promise<PartitionProduceResponse> | PartitionProduceResponse {
  if (ctx.apiVersion < FIRST_SERVED_VERSION) return failed(index, ErrorCode.UNSUPPORTED_VERSION, `Produce v${ctx.apiVersion} (message format v0/v1) is not supported; use v3 or later`);
  if (req.acks !== -1 && req.acks !== 0 && req.acks !== 1) return failed(index, ErrorCode.INVALID_REQUIRED_ACKS, `acks must be -1, 0 or 1, not ${req.acks}`);
  const partition = ctx.broker.replicas.get(topic, index);
  if (partition === undefined) return failed(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null);
  if (records === null) return failed(index, ErrorCode.INVALID_RECORD, 'Produce requests must have at least one record batch per partition');
  const valid = validateRecordBatches(records, { maxMessageBytes: partition.maxMessageBytes, produceVersion: ctx.apiVersion });
  if (!valid.ok) return failed(index, valid.errorCode, valid.message);
  if (valid.isTransactional && valid.producerId < 0n) return failed(index, ErrorCode.INVALID_RECORD, 'Transactional record batches need a producer id');
  const producer = valid.producerId >= 0n ? { producerId: valid.producerId, epoch: valid.producerEpoch, firstSeq: valid.baseSequence, lastSeq: lastSequenceOf(valid.baseSequence, valid.lastOffsetDelta), isTransactional: valid.isTransactional } : null;
  const precheck = precheckFor(topic, index, records, partition.requiresKeys, ctx);
  return partition.appendFromClient(records, req.acks, producer, valid.maxTimestamp, precheck, req.timeoutMs).then(
    (outcome) => {
      if (outcome.kind === 'rejected') return failed(index, outcome.errorCode, outcome.message, outcome.recordErrors);
      return {
        index,
        errorCode: ErrorCode.NONE,
        baseOffset: BigInt(outcome.baseOffset),
        logAppendTimeMs: BigInt(outcome.logAppendTimeMs),
        logStartOffset: BigInt(partition.logStartOffset),
        recordErrors: [],
        errorMessage: null,
      };
    },
    (e: unknown) => {
      if (isUnexpectedStorageError(e)) ctx.broker.log.error(`append to ${topic}-${index} failed: ${e instanceof Error ? e.stack : String(e)}`);
      return failed(index, storageErrorCode(e), e instanceof Error ? e.message : String(e));
    },
  );
}

/** The look a batch needs before its append: a compacted topic's keys, a validated topic's schemas. */
function precheckFor(topic: string, index: number, records: Buffer, requiresKeys: boolean, ctx: RequestContext): (() => Promise<Extract<AppendOutcome, { kind: 'rejected' }> | null>) | undefined {
  const rules = schemaRulesOf(ctx.broker.image.topicConfig(topic));
  if (rules === null) return requiresKeys ? () => refuseKeylessRecords(topic, index, records) : undefined;
  const validator = ctx.broker.schemaValidator?.() ?? null;
  return async () => (requiresKeys ? await refuseKeylessRecords(topic, index, records) : null) ?? refuseInvalidSchemaRecords(topic, index, records, rules, validator);
}

function failed(index: number, errorCode: number, errorMessage: string | null, recordErrors: readonly RecordError[] = []): PartitionProduceResponse {
  return {
    index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, errorMessage,
    recordErrors: recordErrors.map((e) => ({ batchIndex: e.batchIndex, batchIndexErrorMessage: e.message })),
  };
}

/**
 * A compacted topic refuses records without a key (Kafka's LogValidator.validateKey): the whole
 * batch gets INVALID_RECORD with one record error per keyless record, in Kafka's words.
 */
async function refuseKeylessRecords(topic: string, index: number, records: Buffer): Promise<Extract<AppendOutcome, { kind: 'rejected' }> | null> {
  let keyless: number[];
  try {
    keyless = await keylessRecordIndexes(records);
  } catch (e) {
    return { kind: 'rejected', errorCode: ErrorCode.CORRUPT_MESSAGE, message: e instanceof Error ? e.message : String(e) };
  }
  if (keyless.length === 0) return null;
  const recordErrors = keyless.map((batchIndex) => ({ batchIndex, message: `Compacted topic cannot accept message without key in topic partition ${topic}-${index}.` }));
  const shown = recordErrors.slice(0, 3).map((e) => `RecordError(batchIndex=${e.batchIndex}, message='${e.message}')`).join(', ');
  return {
    kind: 'rejected', errorCode: ErrorCode.INVALID_RECORD, recordErrors,
    message: `One or more records have been rejected due to ${recordErrors.length} record errors in total, and only showing the first three errors at most: [${shown}]`,
  };
}

/** Produce to a missing topic answers UNKNOWN_TOPIC_OR_PARTITION (retriable) and starts its creation. */
function maybeAutoCreate(req: ProduceRequest, ctx: RequestContext): void {
  if (!ctx.broker.settings.autoCreateTopics) return;
  const missing = req.topicData.map((t) => t.name).filter((n) => !ctx.broker.image.topicsByName.has(n) && topicNameProblem(n) === null);
  if (missing.length === 0) return;
  autoCreateTopics(ctx.broker, missing).catch((e: unknown) => ctx.broker.log.error(`auto-creating ${missing.join(', ')} failed: ${String(e)}`));
}
