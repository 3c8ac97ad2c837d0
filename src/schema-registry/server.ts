/**
 * A running schema registry: the `_schemas` log replayed into the state, the operations over it,
 * and the REST API on its HTTP listeners. Used by a node (`schema.registry.listeners`, against the
 * node's own Kafka listener) and by `tributary registry --bootstrap` (against any cluster).
 *
 * No request is answered before the topic is replayed to its end (requests wait for it, bounded),
 * so the first answer already sees every schema registered before. The instance joins the leader
 * election with its URL; writes are done by the leader and forwarded to it by the others
 * (leader-election.ts, forwarder.ts).
 */
import { listenHttp, type HttpRequest, type HttpResponse } from '../io/http-server.js';
import { localHostName } from '../io/host.js';
import type { Clock } from '../io/clock.js';
import { randomHexId } from '../io/random.js';
import type { Listener } from '../io/tcp.js';
import type { Logger } from '../util/logger.js';
import { ensureSchemasTopic, KafkaSchemaLog, SCHEMAS_TOPIC } from './kafka-schema-log.js';
import { SchemaRegistry } from './registry.js';
import { handleRegistryRequest, REGISTRY_CONTENT_TYPE, type RequestHook, type WriteForwarder } from './rest.js';
import { RegistryError } from './errors.js';
import { LeaderElection, type Leader } from './leader-election.js';
import { leaderForwarder } from './forwarder.js';
import { RegistryState } from './state.js';
import { RegistryRecordValidator, type RecordSchemaValidator } from './validator.js';

export interface SchemaRegistryOptions {
  /** Kafka bootstrap servers (host:port). */
  readonly bootstrap: readonly string[];
  readonly listeners: readonly { readonly host: string; readonly port: number }[];
  readonly clock: Clock;
  readonly logger: Logger;
  /** The topic holding the state (Confluent's kafkastore.topic), `_schemas` by default. */
  readonly topic?: string;
  /** Per-request counters' hook (method, route pattern, status). */
  readonly onRequest?: RequestHook;
  /** How long a write may wait for the store, the election or the leader (ms). */
  readonly timeoutMs?: number;
  /** The consumer group electing the writer (instances sharing a topic must share it). */
  readonly electionGroup?: string;
}

export interface RunningSchemaRegistry {
  /** `http://host:port` per listener, bound ports resolved. */
  readonly urls: readonly string[];
  /** Resolves once `_schemas` is replayed and the instance has joined the election; rejects if it cannot start. */
  ready(): Promise<void>;
  /** The operations over the replayed state; null until ready. */
  registry(): SchemaRegistry | null;
  /** The elected writer, waiting up to timeoutMs for an election in progress. */
  leader(timeoutMs: number): Promise<Leader | null>;
  /** This registry as the broker's record validator (schemas cached by id); null until ready. */
  validator(): RecordSchemaValidator | null;
  close(): Promise<void>;
}

interface Started {
  readonly registry: SchemaRegistry;
  readonly log: KafkaSchemaLog;
  readonly election: LeaderElection;
  readonly forward: WriteForwarder;
  readonly validator: RecordSchemaValidator;
}

/**
 * Binds the listeners, then reads `_schemas` and joins the election. With `waitUntilReady` false
 * (a node's registry: the broker must not wait for its own client's group joins) it returns once
 * bound; requests wait (bounded) until the registry is ready.
 */
export async function startSchemaRegistry(opts: SchemaRegistryOptions & { readonly waitUntilReady?: boolean }): Promise<RunningSchemaRegistry> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  let started: Started | null = null;
  let starting: Promise<Started> | null = null;
  const handler = async (req: HttpRequest): Promise<HttpResponse> => {
    const s = started ?? (await readyWithin(starting, opts.clock, timeoutMs).catch((e: unknown) => e as Error));
    if (s === null || s instanceof Error) {
      const why = s === null ? `is still reading ${opts.topic ?? SCHEMAS_TOPIC}` : `cannot reach its Kafka store: ${s.message}`;
      const err = new RegistryError(500, s === null ? 50002 : 50001, `The schema registry ${why}`);
      return { status: err.status, contentType: REGISTRY_CONTENT_TYPE, body: JSON.stringify(err.body()) };
    }
    return handleRegistryRequest(s.registry, req, opts.onRequest, s.forward);
  };
  const bound: Listener[] = [];
  for (const l of opts.listeners) {
    try {
      bound.push(await listenHttp(l.host, l.port, handler));
    } catch (e) {
      await Promise.all(bound.map((b) => b.close()));
      const message = `schema.registry.listeners: cannot listen on http://${l.host}:${l.port} (${e instanceof Error ? e.message : String(e)}); set another port, or an empty value to turn the registry off`;
      throw Object.assign(new Error(message), { code: (e as NodeJS.ErrnoException).code });
    }
  }
  const first = bound[0];
  const host = first === undefined || first.host === '' || first.host === '0.0.0.0' || first.host === '::' ? localHostName() : first.host;
  const ownUrl = `http://${host.includes(':') ? `[${host}]` : host}:${first?.port ?? 0}`;
  starting = startParts(opts, ownUrl, timeoutMs).then((s) => (started = s));
  if (opts.waitUntilReady ?? true) {
    try {
      await starting;
    } catch (e) {
      await Promise.all(bound.map((b) => b.close()));
      throw e;
    }
  } else {
    starting.catch((e: unknown) => opts.logger.error(`schema registry: cannot start against ${opts.bootstrap.join(',')}: ${e instanceof Error ? e.message : String(e)}`));
  }
  const whenStarted = starting;
  let closing: Promise<void> | null = null;
  return {
    urls: bound.map((b) => `http://${b.host.includes(':') ? `[${b.host}]` : b.host}:${b.port}`),
    ready: () => whenStarted.then(() => undefined),
    registry: () => started?.registry ?? null,
    leader: (ms) => started?.election.leader(ms) ?? Promise.resolve(null),
    validator: () => started?.validator ?? null,
    close: () =>
      (closing ??= (async () => {
        await Promise.all(bound.map((b) => b.close()));
        const s = await whenStarted.catch(() => null);
        await Promise.all([s?.election.close(), s?.log.close()]);
      })()),
  };
}

/** Reads `_schemas` to its end and joins the election, at the same time (each joins a group). */
async function startParts(opts: SchemaRegistryOptions, ownUrl: string, timeoutMs: number): Promise<Started> {
  const state = new RegistryState();
  // The election's members subscribe to the topic too: it must exist before either starts.
  await ensureSchemasTopic(opts.bootstrap, opts.topic ?? SCHEMAS_TOPIC, opts.clock);
  const [log, election] = await Promise.allSettled([
    KafkaSchemaLog.open({
      bootstrap: opts.bootstrap,
      ...(opts.topic === undefined ? {} : { topic: opts.topic }),
      groupId: `tributary-schema-registry-${randomHexId()}`,
      state,
      clock: opts.clock,
      logger: opts.logger,
      timeoutMs,
    }),
    LeaderElection.start({
      bootstrap: opts.bootstrap,
      topic: opts.topic ?? SCHEMAS_TOPIC,
      ...(opts.electionGroup === undefined ? {} : { groupId: opts.electionGroup }),
      url: ownUrl,
      clock: opts.clock,
      logger: opts.logger,
    }),
  ]);
  if (log.status === 'rejected' || election.status === 'rejected') {
    if (log.status === 'fulfilled') await log.value.close();
    if (election.status === 'fulfilled') await election.value.close();
    throw log.status === 'rejected' ? log.reason : (election as PromiseRejectedResult).reason;
  }
  const registry = new SchemaRegistry(state, log.value);
  return {
    registry,
    log: log.value,
    election: election.value,
    forward: leaderForwarder(election.value, timeoutMs),
    validator: new RegistryRecordValidator(registry, () => log.value.catchUp(), opts.clock),
  };
}

/** The started parts, or null if not started within timeoutMs. */
function readyWithin(starting: Promise<Started> | null, clock: Clock, timeoutMs: number): Promise<Started | null> {
  if (starting === null) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const timer = clock.setTimer(timeoutMs, () => resolve(null));
    starting.then(
      (s) => {
        timer.cancel();
        resolve(s);
      },
      (e: unknown) => {
        timer.cancel();
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
