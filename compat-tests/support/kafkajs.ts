/** kafkajs plumbing for the compat suites: a client whose log is kept for failure reports. */
import kafkajs from 'kafkajs';
import type { Kafka as KafkaT, LogEntry, RetryOptions } from 'kafkajs';

const { Kafka, logLevel } = kafkajs;

// kafkajs 2 warns about its partitioner change on every producer; it is noise here.
process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

export interface KafkaWithLog {
  readonly kafka: KafkaT;
  /** kafkajs's own log lines (WARN and ERROR), newest last, bounded. */
  readonly log: string[];
}

export function makeKafka(bootstrap: string, clientId: string, retry?: RetryOptions): KafkaWithLog {
  const log: string[] = [];
  const kafka = new Kafka({
    clientId,
    brokers: [bootstrap],
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: retry ?? { retries: 5, initialRetryTime: 100, maxRetryTime: 2_000 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      const { message, ...rest } = entry.log;
      log.push(`${entry.label} [${entry.namespace}] ${message} ${JSON.stringify(rest)}`);
      if (log.length > 200) log.shift();
    },
  });
  return { kafka, log };
}

/** Every kafkajs error `type` (e.g. INVALID_CONFIG) found in e, its causes and aggregated errors. */
export function errorTypes(e: unknown): string[] {
  const out: string[] = [];
  const seen = new Set<unknown>();
  const walk = (x: unknown): void => {
    if (x === null || typeof x !== 'object' || seen.has(x)) return;
    seen.add(x);
    const o = x as { type?: unknown; originalError?: unknown; cause?: unknown; errors?: unknown };
    if (typeof o.type === 'string') out.push(o.type);
    walk(o.originalError);
    walk(o.cause);
    if (Array.isArray(o.errors)) for (const c of o.errors) walk(c);
  };
  walk(e);
  return out;
}

/** A readable description of a kafkajs error with its nested causes. */
export function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const types = errorTypes(e);
  return `${e.name}: ${e.message}${types.length > 0 ? ` [types: ${types.join(', ')}]` : ''}`;
}

export function printKafkajsLogOnFailure(ctx: Mocha.Context, log: readonly string[]): void {
  if (ctx.currentTest?.state !== 'failed' || log.length === 0) return;
  console.log('      [compat] kafkajs log tail:\n' + log.slice(-30).map((l) => `        ${l}`).join('\n'));
}
