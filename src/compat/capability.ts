/**
 * What a compatibility row is. A capability ("produce with acks=0/1/all", "fetch long-poll" …) is
 * one file in capabilities/ whose default export is a Capability (or an array of them): the Kafka
 * APIs it needs from the endpoint, and per client one cell, a function that drives that client as a
 * user would and throws when what the client observes is wrong.
 *
 * The same definitions run in two places: `tributary compat` (src/compat/runner.ts, any endpoint)
 * and `npm test` (compat-tests/matrix.test.ts, one mocha `it` per cell). No test exists twice.
 *
 * A cell's contract:
 *  - it asserts something a client can observe (records read back equal records written, offsets,
 *    assignments, error codes), never broker internals;
 *  - every topic/group it makes is named through env.topic()/env.group() (or created with
 *    env.createTopic()), so the run can delete it afterwards, on any endpoint;
 *  - it finishes within the capability's timeoutMs: env.signal aborts at the deadline and every
 *    process started through the client helpers is killed then;
 *  - it throws NotRunError when it cannot run here for a reason that is not a failure of the client
 *    or endpoint (an optional codec module missing, no second client to read back with).
 */
import type { ApiVersionTable, GroupDescription } from '../client/wire-client.js';
import type { KafkajsHandle } from './clients/kafkajs.js';
import type { KafkaCliHandle } from './clients/kafka-cli.js';
import type { KcatHandle } from './clients/kcat.js';
import type { PythonHandle } from './clients/python.js';
import type { JavaHandle } from './clients/java.js';

/** The client columns, in matrix order. */
export const CLIENT_IDS = [
  'kafkajs', 'kcat', 'confluent-kafka-python', 'kafka-python', 'java', 'kafka-cli', 'franz-go', 'confluent-kafka-python-2',
] as const;
export type ClientId = (typeof CLIENT_IDS)[number];

/** What each cell function receives as its client: the adapter's handle for that client. */
export interface ClientHandles {
  'kafkajs': KafkajsHandle;
  'kcat': KcatHandle;
  'confluent-kafka-python': PythonHandle;
  'kafka-python': PythonHandle;
  'java': JavaHandle;
  'kafka-cli': KafkaCliHandle;
  /** The Go driver speaks the Python drivers' command protocol: same handle. */
  'franz-go': PythonHandle;
  'confluent-kafka-python-2': PythonHandle;
}

/** An API the capability needs the endpoint to advertise in ApiVersions (key from generated/api-keys). */
export interface ApiRequirement {
  readonly api: number;
  /** Lowest max version the endpoint must advertise (default 0). */
  readonly minVersion?: number;
}

/** Facts about a broker the run started itself (a single Tributary node), for exact assertions. */
export interface ControlledBroker {
  readonly nodeId: number;
  readonly clusterId: string;
  /** The broker configs it was started with (Kafka key names), see CONTROLLED_BROKER_CONFIG. */
  readonly config: Readonly<Record<string, string>>;
  /** Its log directory (`log.dirs`), for rows that check what the broker keeps on disk (retention bounds). */
  readonly logDir?: string;
}

/**
 * Broker configs the run starts its own Tributary with. Capabilities may rely on them when
 * env.controlled is set (against --bootstrap they must find out, e.g. through DescribeConfigs).
 */
export const CONTROLLED_BROKER_CONFIG: Readonly<Record<string, string>> = {
  'node.id': '1',
  'num.partitions': '2',
  'message.max.bytes': '300000',
  // Kafka's default is 3000: a fresh group forms in half a second instead of three.
  'group.initial.rebalance.delay.ms': '500',
  // Retention runs every 200 ms (Kafka: 5 minutes) and deletes a segment's files at once: the
  // retention rows see old segments go within seconds.
  'log.retention.check.interval.ms': '200',
  'log.segment.delete.delay.ms': '0',
  // The compaction cleaner looks for dirty logs every 200 ms (Kafka: 15 s).
  'log.cleaner.backoff.ms': '200',
  // Transactions past their timeout are aborted within half a second of it (Kafka: every 10 s).
  'transaction.abort.timed.out.transaction.cleanup.interval.ms': '500',
  // __transaction_state with 5 partitions instead of 50: the first transactional producer starts faster.
  'transaction.state.log.num.partitions': '5',
};

/**
 * Broker configs of the 3-node cluster a cluster row starts (Tributary and Apache Kafka alike; every
 * node gets them, only node.id and the addresses differ): every topic replicated to all three nodes
 * and written with acks=all only while two replicas are in sync, internal topics too. Kafka's
 * broker.session.timeout.ms (9 s) is lowered to 3 s on both targets: a SIGKILLed leader is fenced
 * and replaced within about 3 s, so a failover cell is seconds of traffic, not tens.
 */
export const CLUSTER_BROKER_CONFIG: Readonly<Record<string, string>> = {
  'default.replication.factor': '3',
  'min.insync.replicas': '2',
  'offsets.topic.replication.factor': '3',
  'offsets.topic.num.partitions': '5',
  'transaction.state.log.replication.factor': '3',
  'transaction.state.log.min.isr': '2',
  'transaction.state.log.num.partitions': '5',
  'unclean.leader.election.enable': 'false',
  'num.partitions': '1',
  'group.initial.rebalance.delay.ms': '500',
  'broker.session.timeout.ms': '3000',
  'broker.heartbeat.interval.ms': '500',
};

/** One node of the cluster a cluster row runs against (env.cluster). */
export interface ControlledClusterNode {
  readonly id: number;
  /** host:port of its broker listener. */
  readonly bootstrap: string;
  readonly alive: boolean;
  /** SIGKILL (kill -9), and wait for the exit. */
  kill(): Promise<unknown>;
  /** Starts the killed node again on its data dir and address; resolves once it serves. */
  restart(): Promise<void>;
  /** What the node printed (Tributary's log; Kafka's JVM logs nothing but its stderr), for notes. */
  output(): string;
}

/**
 * The cluster a cluster row runs against: started by the run for that row (CLUSTER_BROKER_CONFIG,
 * three nodes), shared by the row's cells; after each cell every killed node is started again.
 */
export interface ControlledCluster {
  /** 'Tributary', 'Apache Kafka 4.3.1'. */
  readonly product: string;
  /** Every node's broker listener, comma-separated (env.bootstrap of a cluster row). */
  readonly bootstrap: string;
  readonly nodes: readonly ControlledClusterNode[];
  readonly config: Readonly<Record<string, string>>;
  node(id: number): ControlledClusterNode;
  /** The node leading `topic`'s partition, asked of a live node (the run's own connection). */
  leaderOf(topic: string, partition: number): Promise<number>;
  /** The node coordinating a transactional id (FindCoordinator key type 1, the run's own connection). */
  transactionCoordinator(transactionalId: string): Promise<number>;
}

/** How env.restart stops the broker before starting it again: SIGTERM (default) or SIGKILL (kill -9). */
export interface RestartOptions {
  readonly kill?: boolean;
}

export type { GroupDescription };

export interface TopicSpec {
  readonly partitions?: number;
  readonly configs?: Readonly<Record<string, string>>;
}

export interface CompatEnv {
  /** host:port of the endpoint under test. */
  readonly bootstrap: string;
  /** Names made by topic()/group() start with this; the run deletes everything under it. */
  readonly prefix: string;
  /** The endpoint's ApiVersions. */
  readonly versions: ApiVersionTable;
  /** Set when the run started the broker itself (exact facts about it are known). */
  readonly controlled: ControlledBroker | undefined;
  /**
   * Stops (SIGTERM, or SIGKILL with { kill: true }) and starts the broker on the same log dir and
   * port; only for needsRestart capabilities.
   */
  readonly restart: ((opts?: RestartOptions) => Promise<void>) | undefined;
  /** Set only in a cluster row's cells (needsCluster): the 3-node cluster env.bootstrap names. */
  readonly cluster: ControlledCluster | undefined;
  /** Aborted when the cell's time is up: pass it on to anything long-running. */
  readonly signal: AbortSignal;
  /** Milliseconds left before the cell's deadline (at most `cap` when given). */
  remainingMs(cap?: number): number;
  /** A fresh topic name under the run's prefix (the topic is not created). */
  topic(tag: string): string;
  /** A fresh group id under the run's prefix; the run deletes the group afterwards. */
  group(tag: string): string;
  /** Creates a topic (endpoint default replication) and waits until every partition has a leader. */
  createTopic(tag: string, spec?: TopicSpec): Promise<string>;
  /** Broker config values of the endpoint (DescribeConfigs through the run's own connection, not a client under test). */
  brokerConfigs(keys: readonly string[]): Promise<ReadonlyMap<string, string | null>>;
  /** DescribeGroups of one group through the run's own connection to its coordinator (not a client under test). */
  describeGroup(group: string): Promise<GroupDescription>;
  /**
   * A group's committed offsets on every partition of `topic` (partition → offset, -1: none), through
   * the run's own connection to the group coordinator (OffsetFetch), whatever clients are installed.
   */
  committedOffsets(group: string, topic: string): Promise<ReadonlyMap<number, number>>;
  /** Runs fn after the cell, whatever happened (disconnect clients …). */
  onCleanup(fn: () => Promise<void> | void): void;
  /** A diagnostic line, shown with the failure if the cell fails. */
  note(line: string): void;
  /** The handle of another client when it is usable here (to read back what this one wrote). */
  client<C extends ClientId>(id: C): ClientHandles[C] | undefined;
}

/** A cell: drive the client, throw on anything wrong. */
export type CellFn<C extends ClientId> = (env: CompatEnv, client: ClientHandles[C]) => Promise<void>;

/** Either a test, or why the capability does not apply to this client (kcat has no admin API …). */
export type Cell<C extends ClientId> = CellFn<C> | { readonly notApplicable: string };

export interface Capability {
  /** kebab-case, stable: used in JSON/JUnit output and in topic names. */
  readonly id: string;
  /** The row title in the matrix. */
  readonly title: string;
  /** Row order (ascending); see capabilities/README.md for the ranges. */
  readonly order: number;
  readonly requires: readonly ApiRequirement[];
  /** Only runnable when the run controls the broker: it gets env.restart. Run after all others, alone. */
  readonly needsRestart?: boolean;
  /**
   * Only runnable against a broker the run started (env.controlled), because the row's timing rests
   * on a broker-level knob of CONTROLLED_BROKER_CONFIG (retention check interval, cleaner backoff …):
   * why, e.g. 'log.retention.check.interval.ms=200 makes retention run within seconds'. Elsewhere
   * every cell is "not run: needs a broker the run controls (<why>)", never a failure.
   */
  readonly needsControlledBroker?: string;
  /**
   * A cluster row: its cells run against a 3-node cluster (CLUSTER_BROKER_CONFIG) the run starts for
   * the row (env.cluster; env.bootstrap names every node), not against the run's one broker: why,
   * e.g. 'kills the partition leader'. Without a way to start one (--bootstrap) its cells are "not
   * run", never a failure.
   */
  readonly needsCluster?: string;
  /** Per-cell time limit (default 60 s). */
  readonly timeoutMs?: number;
  readonly cells: { readonly [C in ClientId]?: Cell<C> };
}

export const DEFAULT_CELL_TIMEOUT_MS = 60_000;

/** Thrown by a cell that cannot run here for a reason that is not a failure (reported as "not run: <message>"). */
export class NotRunError extends Error {
  override name = 'NotRunError';
}

/** Identity helper that type-checks a capability definition. */
export function defineCapability(c: Capability): Capability {
  return c;
}
