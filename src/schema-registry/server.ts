/**
 * A running schema registry: the `_schemas` log replayed into the state, the operations over it,
 * and the REST API on its HTTP listeners. Used by a node (`schema.registry.listeners`, against the
 * node's own Kafka listener) and by `tributary registry --bootstrap` (against any cluster).
 *
 * The topic is replayed to its end before any listener binds, so the first request already sees
 * every schema registered before. Then the instance joins the leader election with its URL; writes
 * are done by the leader and forwarded to it by the others (leader-election.ts, forwarder.ts).
 */
import { listenHttp, type HttpRequest } from '../io/http-server.js';
import { localHostName } from '../io/host.js';
import type { Clock } from '../io/clock.js';
import { randomHexId } from '../io/random.js';
import type { Listener } from '../io/tcp.js';
import type { Logger } from '../util/logger.js';
import { KafkaSchemaLog, SCHEMAS_TOPIC } from './kafka-schema-log.js';
import { SchemaRegistry } from './registry.js';
import { handleRegistryRequest, type RequestHook, type WriteForwarder } from './rest.js';
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
  readonly registry: SchemaRegistry;
  /** The elected writer, waiting up to timeoutMs for an election in progress. */
  leader(timeoutMs: number): Promise<Leader | null>;
  /** This registry as the broker's record validator (schemas cached by id). */
  readonly validator: RecordSchemaValidator;
  close(): Promise<void>;
}

export async function startSchemaRegistry(opts: SchemaRegistryOptions): Promise<RunningSchemaRegistry> {
  const state = new RegistryState();
  const log = await KafkaSchemaLog.open({
    bootstrap: opts.bootstrap,
    ...(opts.topic === undefined ? {} : { topic: opts.topic }),
    groupId: `tributary-schema-registry-${randomHexId()}`,
    state,
    clock: opts.clock,
    logger: opts.logger,
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
  });
  const registry = new SchemaRegistry(state, log);
  const bound: Listener[] = [];
  let forward: WriteForwarder | undefined;
  let election: LeaderElection | null = null;
  const handler = (req: HttpRequest) => handleRegistryRequest(registry, req, opts.onRequest, forward);
  try {
    for (const l of opts.listeners) {
      try {
        bound.push(await listenHttp(l.host, l.port, handler));
      } catch (e) {
        const message = `schema.registry.listeners: cannot listen on http://${l.host}:${l.port} (${e instanceof Error ? e.message : String(e)}); set another port, or an empty value to turn the registry off`;
        throw Object.assign(new Error(message), { code: (e as NodeJS.ErrnoException).code });
      }
    }
    const first = bound[0];
    if (first !== undefined) {
      const host = first.host === '' || first.host === '0.0.0.0' || first.host === '::' ? localHostName() : first.host;
      election = await LeaderElection.start({
        bootstrap: opts.bootstrap,
        topic: opts.topic ?? SCHEMAS_TOPIC,
        ...(opts.electionGroup === undefined ? {} : { groupId: opts.electionGroup }),
        url: `http://${host.includes(':') ? `[${host}]` : host}:${first.port}`,
        clock: opts.clock,
        logger: opts.logger,
      });
      forward = leaderForwarder(election, opts.timeoutMs ?? 10_000);
    }
  } catch (e) {
    await Promise.all(bound.map((b) => b.close()));
    await election?.close();
    await log.close();
    throw e;
  }
  let closing: Promise<void> | null = null;
  return {
    urls: bound.map((b) => `http://${b.host.includes(':') ? `[${b.host}]` : b.host}:${b.port}`),
    registry,
    leader: (timeoutMs) => election?.leader(timeoutMs) ?? Promise.resolve(null),
    validator: new RegistryRecordValidator(registry, () => log.catchUp()),
    close: () =>
      (closing ??= (async () => {
        await Promise.all(bound.map((b) => b.close()));
        await election?.close();
        await log.close();
      })()),
  };
}
