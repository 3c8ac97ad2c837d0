/**
 * A FetchTransport between replicas in one process (tests, and a loopback for local replicas):
 * the request and the response go through the Fetch v17 wire codecs, so what a socket would drop
 * (tagged fields: replica_state, diverging_epoch) is dropped here too, and the leader side answers
 * as the Fetch handler does for a replica: fetchForReplica per partition, parked until its log end
 * moves or max_wait_ms passes when fewer than min_bytes are there (Kafka's DelayedFetch).
 *
 * A broker not registered (or unregistered: "down") rejects every fetch sent to it.
 */
import type { Clock } from '../io/clock.js';
import { Reader } from '../protocol/codec/reader.js';
import { Writer } from '../protocol/codec/writer.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { decodeFetchRequest, encodeFetchRequest, type FetchRequest } from '../protocol/generated/messages/fetch-request.js';
import { decodeFetchResponse, encodeFetchResponse, type FetchResponse, type FetchableTopicResponse } from '../protocol/generated/messages/fetch-response.js';
import { delayFetch } from '../partition/delayed-fetch.js';
import type { Partition } from '../partition/partition.js';
import { fetchForReplica, replicaFetchData, replicaFetchOf } from '../partition/replica-fetch.js';
import type { FetchTransport } from './replica-fetcher.js';

const VERSION = 17;

/** The partitions a broker hosts, by topic id. */
export type PartitionLookup = (topicId: string, partition: number) => Partition | undefined;

export class InProcessTransport implements FetchTransport {
  private readonly brokers = new Map<number, PartitionLookup>();

  constructor(private readonly clock: Clock) {}

  register(brokerId: number, lookup: PartitionLookup): void {
    this.brokers.set(brokerId, lookup);
  }

  unregister(brokerId: number): void {
    this.brokers.delete(brokerId);
  }

  async fetch(brokerId: number, request: FetchRequest): Promise<FetchResponse> {
    const lookup = this.brokers.get(brokerId);
    if (lookup === undefined) throw new Error(`broker ${brokerId} is not reachable`);
    const w = new Writer();
    encodeFetchRequest(w, VERSION, request);
    const req = decodeFetchRequest(new Reader(w.toBuffer()), VERSION);
    const res = await serve(req, lookup, this.clock);
    const out = new Writer();
    encodeFetchResponse(out, VERSION, res);
    return decodeFetchResponse(new Reader(out.toBuffer()), VERSION);
  }
}

async function serve(req: FetchRequest, lookup: PartitionLookup, clock: Clock): Promise<FetchResponse> {
  const targets = req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t, p, partition: lookup(t.topicId ?? '', p.partition) })));
  const readAll = async (): Promise<{ responses: FetchableTopicResponse[]; bytes: number; hasError: boolean }> => {
    const responses: FetchableTopicResponse[] = [];
    let bytes = 0;
    let hasError = false;
    for (const { topic, p, partition } of targets) {
      let entry = responses.find((r) => r.topicId === topic.topicId);
      if (entry === undefined) responses.push((entry = { topicId: topic.topicId ?? '', partitions: [] }));
      const result = partition === undefined ? { kind: 'error' as const, errorCode: ErrorCode.UNKNOWN_TOPIC_ID } : await fetchForReplica(partition, replicaFetchOf(req, p, p.partitionMaxBytes, bytes === 0));
      const data = replicaFetchData(p.partition, result);
      if (data.errorCode !== ErrorCode.NONE || result.kind === 'diverging') hasError = true;
      bytes += data.records?.length ?? 0;
      entry.partitions.push(data);
    }
    return { responses, bytes, hasError };
  };
  let result = await readAll();
  if (req.maxWaitMs > 0 && result.bytes < req.minBytes && !result.hasError) {
    result = await delayFetch({
      partitions: targets.flatMap((t) => (t.partition === undefined ? [] : [t.partition])),
      maxWaitMs: req.maxWaitMs,
      clock,
      readAll,
      satisfied: (r) => r.bytes >= req.minBytes || r.hasError,
      fallback: result,
      wakeOn: 'logEnd',
    });
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: result.responses };
}
