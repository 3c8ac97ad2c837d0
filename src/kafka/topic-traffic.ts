/**
 * BrokerTopicMetrics from Produce and Fetch, read off the decoded request and the handler's
 * response (so the handlers themselves stay free of metrics), with Kafka's meaning:
 *
 * - every partition of a produce (fetch) counts once in TotalProduceRequests (TotalFetchRequests);
 *   one answered with an error counts in FailedProduceRequests (FailedFetchRequests);
 * - an appended batch adds its bytes to BytesIn and its record count to MessagesIn; a batch refused
 *   as invalid or too large adds its bytes to BytesRejected (Kafka's LogValidator cases);
 * - fetched record bytes add to BytesOut.
 *
 * Per-topic counts are kept only for topics that exist (a client naming garbage topics must not
 * grow the series without bound); the all-topics counts take everything.
 */
import { ErrorCode } from '../protocol/generated/error-codes.js';
import type { ProduceRequest } from '../protocol/generated/messages/produce-request.js';
import type { ProduceResponse } from '../protocol/generated/messages/produce-response.js';
import type { FetchResponse } from '../protocol/generated/messages/fetch-response.js';
import type { BrokerTopicStats, TopicStats } from '../metrics/topic-stats.js';
import type { MetadataImage } from '../metadata/metadata-image.js';

const REJECTED_BYTES_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.CORRUPT_MESSAGE, ErrorCode.MESSAGE_TOO_LARGE, ErrorCode.RECORD_LIST_TOO_LARGE, ErrorCode.INVALID_TIMESTAMP, ErrorCode.INVALID_RECORD,
]);

/** RecordBatch v2: batchLength at 8 (counts from byte 12), recordsCount at 57. */
const BATCH_LENGTH_OFFSET = 8;
const BATCH_OVERHEAD = 12;
const RECORDS_COUNT_OFFSET = 57;

/** Records in a (validated) batch buffer, from the batch headers; no record is decoded. */
export function countRecords(records: Buffer): number {
  let n = 0;
  let at = 0;
  while (at + RECORDS_COUNT_OFFSET + 4 <= records.length) {
    n += records.readInt32BE(at + RECORDS_COUNT_OFFSET);
    at += BATCH_OVERHEAD + records.readInt32BE(at + BATCH_LENGTH_OFFSET);
  }
  return n;
}

function topicStats(stats: BrokerTopicStats, image: MetadataImage, topic: string): TopicStats | undefined {
  return image.topicsByName.has(topic) ? stats.topic(topic) : undefined;
}

/** `response` null: an acks=0 produce that succeeded; 'failed': one answered by closing the connection. */
export function countProduce(stats: BrokerTopicStats, image: MetadataImage, req: ProduceRequest, response: ProduceResponse | null | 'failed'): void {
  const all = stats.allTopics;
  req.topicData.forEach((t, ti) => {
    const topic = topicStats(stats, image, t.name);
    const answered = response === null || response === 'failed' ? undefined : response.responses[ti];
    t.partitionData.forEach((p, pi) => {
      all.totalProduceRequests++;
      if (topic !== undefined) topic.totalProduceRequests++;
      const errorCode = response === null ? ErrorCode.NONE : answered?.partitionResponses[pi]?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
      const bytes = p.records?.length ?? 0;
      if (errorCode === ErrorCode.NONE) {
        const messages = p.records === null ? 0 : countRecords(p.records);
        all.bytesIn += bytes;
        all.messagesIn += messages;
        if (topic === undefined) return;
        topic.bytesIn += bytes;
        topic.messagesIn += messages;
        return;
      }
      all.failedProduceRequests++;
      if (topic !== undefined) topic.failedProduceRequests++;
      if (!REJECTED_BYTES_ERRORS.has(errorCode)) return;
      all.bytesRejected += bytes;
      if (topic !== undefined) topic.bytesRejected += bytes;
    });
  });
}

export function countFetch(stats: BrokerTopicStats, image: MetadataImage, response: FetchResponse): void {
  const all = stats.allTopics;
  for (const t of response.responses) {
    const name = t.topic !== undefined && t.topic !== '' ? t.topic : image.topicsById.get(t.topicId ?? '')?.name;
    const topic = name === undefined ? undefined : topicStats(stats, image, name);
    for (const p of t.partitions) {
      all.totalFetchRequests++;
      if (topic !== undefined) topic.totalFetchRequests++;
      if (p.errorCode !== ErrorCode.NONE) {
        all.failedFetchRequests++;
        if (topic !== undefined) topic.failedFetchRequests++;
        continue;
      }
      const bytes = p.records?.length ?? 0;
      all.bytesOut += bytes;
      if (topic !== undefined) topic.bytesOut += bytes;
    }
  }
}
