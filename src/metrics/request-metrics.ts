/**
 * Exports RequestStats: `kafka_network_requestmetrics_requests_total{request,version}` and one
 * Prometheus histogram per time kind, `{request}`-labelled, in ms.
 *
 * The histograms are registry entries of our own rather than prom-client Histograms, because the
 * request path fills plain bucket arrays (request-stats.ts) and prom-client's Histogram can only be
 * fed one observe() at a time. The entry follows the contract prom-client's Registry formats (its
 * own Histogram.get() returns the same shape: `_bucket` series with cumulative `le` counts, then
 * `_sum` and `_count`).
 */
import { Counter, type Metric, type Registry } from 'prom-client';
import { REQUEST_TIMES, REQUESTS_TOTAL } from './names.js';
import { LATENCY_BUCKETS_MS, TIME_KINDS, type LatencyHistogram, type RequestStats, type TimeKind } from './request-stats.js';

const HELP: Record<TimeKind, string> = {
  totalMs: 'Request time from receipt to response written, ms (TotalTimeMs)',
  queueMs: 'Time a request waited before a handler started it, ms (RequestQueueTimeMs)',
  localMs: 'Time in the handler, ms (LocalTimeMs)',
  remoteMs: 'Time parked waiting for data or replicas, ms (RemoteTimeMs)',
  responseQueueMs: 'Time a response waited for its turn to be written, ms (ResponseQueueTimeMs)',
  responseSendMs: 'Time writing the response to the socket, ms (ResponseSendTimeMs)',
};

interface Sample {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

export function registerRequestMetrics(registry: Registry, stats: RequestStats): void {
  new Counter({
    name: REQUESTS_TOTAL,
    help: 'Requests by API and version (RequestsPerSec)',
    labelNames: ['request', 'version'],
    registers: [registry],
    collect() {
      this.reset();
      for (const api of stats.all()) {
        api.byVersion.forEach((n, version) => {
          if (n !== undefined) this.inc({ request: api.request, version: String(version) }, n);
        });
      }
    },
  });
  for (const kind of TIME_KINDS) {
    const name = REQUEST_TIMES[kind];
    const entry = {
      name,
      help: HELP[kind],
      type: 'histogram',
      aggregator: 'sum',
      get: async () => ({ name, help: HELP[kind], type: 'histogram', aggregator: 'sum', values: stats.all().flatMap((api) => histogramSamples(name, api.request, api.times[kind])) }),
    };
    registry.registerMetric(entry as unknown as Metric);
  }
}

function histogramSamples(name: string, request: string, h: LatencyHistogram): Sample[] {
  const out: Sample[] = [];
  let cumulative = 0;
  LATENCY_BUCKETS_MS.forEach((le, i) => {
    cumulative += h.counts[i] as number;
    out.push({ metricName: `${name}_bucket`, labels: { request, le }, value: cumulative });
  });
  out.push({ metricName: `${name}_bucket`, labels: { request, le: '+Inf' }, value: h.count });
  out.push({ metricName: `${name}_sum`, labels: { request }, value: h.sum });
  out.push({ metricName: `${name}_count`, labels: { request }, value: h.count });
  return out;
}
