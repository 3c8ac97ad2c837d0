/**
 * kafkajs, driven in-process as a Node application drives it. kafkajs is loaded on demand from
 * wherever Node resolves it (it is a devDependency of Tributary; a user of `tributary compat` adds it
 * to their project), so the column says "not installed" instead of the whole command failing.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Admin, Consumer, ConsumerConfig, Kafka, LogEntry, Producer, ProducerConfig, RetryOptions } from 'kafkajs';
import type { CompatEnv } from '../capability.js';
import type { Detected } from './adapter.js';

export type KafkajsModule = typeof import('kafkajs');

export interface KafkaWithLog {
  readonly kafka: Kafka;
  /** kafkajs's own log lines (WARN and ERROR), newest last, bounded. */
  readonly log: string[];
}

/** A kafkajs client whose log is kept for failure reports. */
export function makeKafkaWith(mod: KafkajsModule, bootstrap: string, clientId: string, retry?: RetryOptions): KafkaWithLog {
  // kafkajs 2 warns about its partitioner change on every producer; it is noise here.
  process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';
  const log: string[] = [];
  const kafka = new mod.Kafka({
    clientId,
    brokers: bootstrap.split(','),
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: retry ?? { retries: 5, initialRetryTime: 100, maxRetryTime: 2_000 },
    logLevel: mod.logLevel.WARN,
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

/** One cell's kafkajs: connected lazily, disconnected (and its log noted) after the cell. */
export interface KafkajsSession extends KafkaWithLog {
  admin(): Promise<Admin>;
  /** A connected producer (one per config key set; allowAutoTopicCreation defaults to true). */
  producer(config?: ProducerConfig): Promise<Producer>;
  /** A new connected group consumer (each call another member); disconnected after the cell. */
  consumer(config: ConsumerConfig): Promise<Consumer>;
}

export interface KafkajsHandle {
  readonly version: string;
  readonly kafkajs: KafkajsModule;
  session(env: CompatEnv, clientId?: string): KafkajsSession;
}

function makeHandle(mod: KafkajsModule, version: string): KafkajsHandle {
  return {
    version,
    kafkajs: mod,
    session(env, clientId = 'tributary-compat-kafkajs') {
      const k = makeKafkaWith(mod, env.bootstrap, clientId);
      let admin: Promise<Admin> | undefined;
      const producers = new Map<string, Promise<Producer>>();
      const consumers: Consumer[] = [];
      env.onCleanup(async () => {
        const all: Promise<void>[] = consumers.map((c) => c.disconnect().catch(() => undefined));
        if (admin !== undefined) all.push(admin.then((a) => a.disconnect()).catch(() => undefined));
        for (const p of producers.values()) all.push(p.then((x) => x.disconnect()).catch(() => undefined));
        await Promise.all(all);
        if (k.log.length > 0) env.note(`kafkajs log tail:\n${k.log.slice(-30).map((l) => `  ${l}`).join('\n')}`);
      });
      return {
        ...k,
        admin() {
          admin ??= (async () => {
            const a = k.kafka.admin();
            await a.connect();
            return a;
          })();
          return admin;
        },
        producer(config = {}) {
          const key = JSON.stringify(config);
          let p = producers.get(key);
          if (p === undefined) {
            p = (async () => {
              const x = k.kafka.producer({ allowAutoTopicCreation: true, ...config });
              await x.connect();
              return x;
            })();
            producers.set(key, p);
          }
          return p;
        },
        async consumer(config) {
          const c = k.kafka.consumer(config);
          consumers.push(c);
          await c.connect();
          return c;
        },
      };
    },
  };
}

export async function detectKafkajs(): Promise<Detected<KafkajsHandle>> {
  let mod: KafkajsModule;
  let version: string;
  try {
    const require = createRequire(import.meta.url);
    const pkg = JSON.parse(readFileSync(require.resolve('kafkajs/package.json'), 'utf8')) as { version?: string };
    version = pkg.version ?? 'unknown';
    const m = (await import('kafkajs')) as KafkajsModule & { default?: KafkajsModule };
    mod = m.default ?? m;
  } catch (e) {
    return { problem: `kafkajs is not installed where Node can find it (${(e as Error).message.split('\n')[0]})` };
  }
  return { handle: makeHandle(mod, version), version };
}
