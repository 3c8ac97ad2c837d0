/**
 * RequestMetrics per API: requests by version, and where each request's time went, in Kafka's
 * terms (RequestChannel.updateRequestMetrics):
 *
 *   queue          received → a handler starts it (waiting behind earlier requests of its connection)
 *   local          in the handler, minus remote
 *   remote         waiting on something other than its own work (a fetch parked until data or
 *                  max.wait.ms: Kafka's DelayedFetch purgatory)
 *   response queue handler done → its turn to be written (responses go out in request order)
 *   response send  writing it to the socket
 *   total          received → written
 *
 * Histograms are kept as plain bucket counts indexed by API key (no label hashing per request)
 * and exported as Prometheus histograms in milliseconds, the unit of Kafka's *TimeMs MBeans.
 */

/** Upper bounds in ms: sub-ms in-memory requests up to fetch long-polls and slow fsyncs. */
export const LATENCY_BUCKETS_MS: readonly number[] = [0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];

export interface RequestTimesMs {
  readonly queueMs: number;
  readonly localMs: number;
  readonly remoteMs: number;
  readonly responseQueueMs: number;
  readonly responseSendMs: number;
  readonly totalMs: number;
}

export type TimeKind = keyof RequestTimesMs;
export const TIME_KINDS: readonly TimeKind[] = ['totalMs', 'queueMs', 'localMs', 'remoteMs', 'responseQueueMs', 'responseSendMs'];

export class LatencyHistogram {
  /** Per-bucket (not cumulative) counts; the last slot is +Inf. */
  readonly counts = new Float64Array(LATENCY_BUCKETS_MS.length + 1);
  sum = 0;
  count = 0;

  observe(ms: number): void {
    let i = 0;
    while (i < LATENCY_BUCKETS_MS.length && ms > (LATENCY_BUCKETS_MS[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += ms;
    this.count++;
  }
}

export class ApiRequestStats {
  /** Requests by API version. */
  readonly byVersion: number[] = [];
  readonly times: Record<TimeKind, LatencyHistogram> = {
    totalMs: new LatencyHistogram(),
    queueMs: new LatencyHistogram(),
    localMs: new LatencyHistogram(),
    remoteMs: new LatencyHistogram(),
    responseQueueMs: new LatencyHistogram(),
    responseSendMs: new LatencyHistogram(),
  };

  constructor(readonly request: string) {}
}

export class RequestStats {
  private readonly apis: (ApiRequestStats | undefined)[] = [];

  /** `apiName` maps an API key to Kafka's name for it (Produce, Fetch, …), the `request` label. */
  constructor(private readonly apiName: (apiKey: number) => string) {}

  record(apiKey: number, apiVersion: number, t: RequestTimesMs): void {
    if (apiKey < 0 || apiVersion < 0) return;
    const api = (this.apis[apiKey] ??= new ApiRequestStats(this.apiName(apiKey)));
    api.byVersion[apiVersion] = (api.byVersion[apiVersion] ?? 0) + 1;
    const h = api.times;
    h.totalMs.observe(t.totalMs);
    h.queueMs.observe(t.queueMs);
    h.localMs.observe(t.localMs);
    h.remoteMs.observe(t.remoteMs);
    h.responseQueueMs.observe(t.responseQueueMs);
    h.responseSendMs.observe(t.responseSendMs);
  }

  all(): ApiRequestStats[] {
    return this.apis.filter((a): a is ApiRequestStats => a !== undefined);
  }
}
