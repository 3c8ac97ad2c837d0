/**
 * Apache Kafka as a child process, the oracle the compatibility cells are checked against: one node
 * in KRaft combined mode (process.roles=broker,controller), started the way Kafka's own scripts and
 * quickstart start it, on the jars of src/compat/jvm/maven.ts's 'server' bundle:
 *
 *   bin/kafka-storage.sh format --standalone -t <cluster id> -c server.properties
 *                                           (kafka-run-class.sh kafka.tools.StorageTool, -Xmx256M)
 *   bin/kafka-server-start.sh server.properties
 *                                           (kafka-run-class.sh kafka.Kafka, KAFKA_HEAP_OPTS -Xmx1G -Xms1G)
 *
 * Two free loopback ports (the PLAINTEXT broker listener and the CONTROLLER listener), a fresh
 * temporary log dir, and the settings of Kafka's sample config/server.properties for a one-node
 * cluster (internal topics with replication factor 1). The same surface as BrokerProcess (start,
 * stop, kill, restart, cleanup, bootstrap, logDir, clusterId), so `tributary compat --broker kafka`
 * and the compat-tests use either.
 *
 * With a `placement` (jvm/kafka-cluster.ts) it is instead one node of a static multi-node quorum:
 * its own address and fixed ports, optionally in a network namespace, formatted without
 * --standalone with the cluster's id, and only the caller's settings (no one-node defaults).
 *
 * Ready means what a client can see: the node answers Metadata on its broker listener and lists
 * itself as a broker (Kafka registers a broker, unfenced, only once it can serve). The jars carry no
 * SLF4J binding, so Kafka logs nothing; a failed start reports its exit status and whatever the JVM
 * printed. Every process started here is SIGKILLed when this process exits (managed-child.ts).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlledProcess } from '../broker-process.js';
import { awaitReady, ManagedChild, type ExitInfo } from '../managed-child.js';
import { sleep, withTimeout } from '../wait.js';
import { WireClient } from '../../client/wire-client.js';
import { metadataInNetns } from '../netns-metadata.js';
import { cachedClasspath, INSTALL_HINT, javaCommand, KAFKA_VERSION } from './maven.js';

/** JVM start-ups are slow on a loaded machine: how long a (re)start may take to answer Metadata. */
export const KAFKA_START_TIMEOUT_MS = 180_000;

/** kafka-run-class.sh's KAFKA_JVM_PERFORMANCE_OPTS. */
const JVM_PERFORMANCE_OPTS = [
  '-server', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent', '-Djava.awt.headless=true',
];

/**
 * What Kafka's sample config/server.properties sets for a one-node cluster (without these the
 * internal topics ask for three replicas, and groups and transactions never get a coordinator),
 * and one internal setting that gives Kafka Tributary's timing from start-up.
 */
const SINGLE_NODE_DEFAULTS: Readonly<Record<string, string>> = {
  'offsets.topic.replication.factor': '1',
  'share.coordinator.state.topic.replication.factor': '1',
  'share.coordinator.state.topic.min.isr': '1',
  'transaction.state.log.replication.factor': '1',
  'transaction.state.log.min.isr': '1',
  // Kafka starts its retention and flush tasks log.initial.task.delay.ms (internal, 30 s) after
  // start-up, and again after every restart; Tributary runs them from the start. Without this a
  // row relying on log.retention.check.interval.ms would wait 30 s on Kafka right after a restart.
  'log.initial.task.delay.ms': '0',
};

export interface KafkaOptions {
  /** Kafka config keys → values (after the one-node defaults; listeners and log.dirs are set here). */
  readonly overrides?: Readonly<Record<string, string>>;
  /** How long a (re)start may take (default KAFKA_START_TIMEOUT_MS). */
  readonly startTimeoutMs?: number;
  /** One node of a multi-node quorum (jvm/kafka-cluster.ts) instead of a one-node cluster on loopback. */
  readonly placement?: KafkaNodePlacement;
  /** The JVM's heap (-Xmx and -Xms; default 1G, as kafka-server-start.sh). */
  readonly heap?: string;
  /** How many log.dirs (JBOD; default 1): `data`, `data-2`, … under the node's home. */
  readonly logDirCount?: number;
}

/**
 * Where one node of a static KRaft quorum lives: its own address (listeners on fixed ports, so a
 * restart keeps them), optionally inside a network namespace, formatted with the cluster's id and
 * the voters every node is given. Without it, the config carries no one-node defaults: the caller's
 * overrides say everything (replication factors, min.insync.replicas).
 */
export interface KafkaNodePlacement {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  readonly controllerPort: number;
  /** Run the JVM inside this network namespace (`ip netns exec`, which execs: the pid is the JVM's). */
  readonly netns?: string;
  readonly clusterId: string;
  /** controller.quorum.voters, e.g. `1@10.0.0.11:9093,2@10.0.0.12:9093,3@10.0.0.13:9093`. */
  readonly quorumVoters: string;
  /** process.roles (default combined): a broker-only node has no controller listener, a controller-only node no broker listener. */
  readonly roles?: 'broker' | 'controller' | 'broker,controller';
}

/** The 'server' jars' classpath, or why Apache Kafka cannot be started here (names the install command, or java). */
export function kafkaClasspath(): { readonly classpath: string } | { readonly problem: string } {
  const cp = cachedClasspath('server');
  if ('problem' in cp) return cp;
  const java = spawnSync(javaCommand(), ['-version'], { encoding: 'utf8', timeout: 30_000 });
  if (java.error !== undefined || java.status !== 0) {
    return { problem: `${javaCommand()} -version failed (${java.error?.message ?? `exit ${java.status}`}): Kafka ${KAFKA_VERSION} needs Java 17 or later` };
  }
  return cp;
}

/** A loopback port nothing listens on right now (the kernel's pick). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((res, rej) => {
    s.once('error', rej);
    s.listen(0, '127.0.0.1', res);
  });
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((res) => s.close(() => res()));
  return port;
}

/** A cluster id as `kafka-storage random-uuid` prints it: 16 random bytes, base64url, not starting with '-'. */
export function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export class KafkaProcess implements ControlledProcess {
  readonly product = `Apache Kafka ${KAFKA_VERSION}`;
  readonly host: string;
  private child: ManagedChild | undefined;
  private history = '';
  readonly logDir: string;
  /** Every log dir (log.dirs), `logDir` first. */
  readonly logDirs: readonly string[];
  private readonly propertiesFile: string;
  readonly nodeId: number;
  private readonly startTimeoutMs: number;
  private readonly placement: KafkaNodePlacement | undefined;
  private readonly heap: string;

  private constructor(
    private readonly home: string,
    private readonly classpath: string,
    readonly port: number,
    readonly controllerPort: number,
    readonly clusterId: string,
    opts: KafkaOptions,
  ) {
    this.logDir = join(home, 'data');
    this.logDirs = [this.logDir, ...Array.from({ length: Math.max(0, (opts.logDirCount ?? 1) - 1) }, (_, i) => join(home, `data-${i + 2}`))];
    this.propertiesFile = join(home, 'server.properties');
    this.placement = opts.placement;
    this.host = opts.placement?.host ?? '127.0.0.1';
    this.nodeId = opts.placement?.nodeId ?? Number(opts.overrides?.['node.id'] ?? '1');
    this.startTimeoutMs = opts.startTimeoutMs ?? KAFKA_START_TIMEOUT_MS;
    this.heap = opts.heap ?? '1G';
    mkdirSync(this.logDir, { recursive: true });
    writeFileSync(this.propertiesFile, this.placement === undefined ? this.properties(opts.overrides ?? {}) : this.quorumProperties(this.placement, opts.overrides ?? {}));
  }

  /**
   * A formatted node of a multi-node quorum, not started (jvm/kafka-cluster.ts starts the voters
   * together: none is ready before a majority runs). Fixed ports: no port race to retry.
   */
  static async formatted(placement: KafkaNodePlacement, opts: Omit<KafkaOptions, 'placement'> = {}): Promise<KafkaProcess> {
    const cp = kafkaClasspath();
    if ('problem' in cp) throw new Error(`cannot start Apache Kafka: ${cp.problem}`);
    const home = mkdtempSync(join(tmpdir(), `tributary-compat-kafka-n${placement.nodeId}-`));
    const kafka = new KafkaProcess(home, cp.classpath, placement.port, placement.controllerPort, placement.clusterId, { ...opts, placement });
    try {
      await kafka.format();
    } catch (e) {
      await kafka.cleanup();
      throw e;
    }
    return kafka;
  }

  /** Starts a formatted() node; resolves once it lists itself as a broker in Metadata. */
  async launch(): Promise<void> {
    if (this.alive) throw new Error('launch(): Apache Kafka is already running');
    await this.spawnChild();
  }

  /**
   * Formats a fresh log dir and starts Kafka; resolves once it serves Metadata. Throws (naming
   * `npx tributary compat --install-clients`) when the jars are not in the cache. A start that dies
   * early (a port taken between choosing and binding it) is tried again on other ports.
   */
  static async start(opts: KafkaOptions = {}): Promise<KafkaProcess> {
    const cp = kafkaClasspath();
    if ('problem' in cp) throw new Error(`cannot start Apache Kafka: ${cp.problem}`);
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const home = mkdtempSync(join(tmpdir(), 'tributary-compat-kafka-'));
      const port = await freePort();
      let controllerPort = await freePort();
      while (controllerPort === port) controllerPort = await freePort();
      const kafka = new KafkaProcess(home, cp.classpath, port, controllerPort, randomClusterId(), opts);
      try {
        await kafka.format();
        await kafka.spawnChild();
        return kafka;
      } catch (e) {
        lastError = e;
        await kafka.cleanup();
        if (kafka.child?.exit === undefined || kafka.child.exit.code === null) break; // timed out or killed: not a port race
      }
    }
    throw lastError;
  }

  get bootstrap(): string {
    return `${this.host}:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exit === undefined;
  }

  /** What the JVM printed on stderr, every incarnation, earliest first. */
  allStderr(): string {
    return this.history + (this.child?.stderr ?? '');
  }

  private properties(overrides: Readonly<Record<string, string>>): string {
    const props: Record<string, string> = {
      ...SINGLE_NODE_DEFAULTS,
      ...overrides,
      'process.roles': 'broker,controller',
      'node.id': String(this.nodeId),
      'controller.quorum.bootstrap.servers': `${this.host}:${this.controllerPort}`,
      'listeners': `PLAINTEXT://${this.host}:${this.port},CONTROLLER://${this.host}:${this.controllerPort}`,
      'advertised.listeners': `PLAINTEXT://${this.host}:${this.port},CONTROLLER://${this.host}:${this.controllerPort}`,
      'controller.listener.names': 'CONTROLLER',
      'inter.broker.listener.name': 'PLAINTEXT',
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      'log.dirs': this.logDirs.join(','),
    };
    return Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
  }

  /**
   * A node of a static quorum: Kafka's own keys, the same for every node but node.id and its
   * addresses. The CONTROLLER listener is advertised through controller.quorum.voters only.
   */
  private quorumProperties(p: KafkaNodePlacement, overrides: Readonly<Record<string, string>>): string {
    const roles = p.roles ?? 'broker,controller';
    const broker = roles.includes('broker');
    const listeners = [broker ? `PLAINTEXT://${p.host}:${p.port}` : '', roles.includes('controller') ? `CONTROLLER://${p.host}:${p.controllerPort}` : ''];
    const props: Record<string, string> = {
      ...overrides,
      'process.roles': roles,
      'node.id': String(p.nodeId),
      'listeners': listeners.filter((l) => l !== '').join(','),
      ...(broker ? { 'advertised.listeners': `PLAINTEXT://${p.host}:${p.port}`, 'inter.broker.listener.name': 'PLAINTEXT' } : {}),
      'controller.listener.names': 'CONTROLLER',
      'controller.quorum.voters': p.quorumVoters,
      'log.dirs': this.logDirs.join(','),
    };
    return Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
  }

  /**
   * kafka-storage.sh format: with --standalone this node is the one voter of a new metadata quorum;
   * a node of a static quorum (controller.quorum.voters) is formatted with the cluster id alone.
   */
  private async format(): Promise<void> {
    const quorum = this.placement === undefined ? ['--standalone'] : [];
    // A ManagedChild like the broker, so that it too is killed if this process exits meanwhile.
    const tool = new ManagedChild({
      command: javaCommand(),
      args: ['-Xmx256M', '-cp', this.classpath, 'kafka.tools.StorageTool', 'format', ...quorum, '-t', this.clusterId, '-c', this.propertiesFile],
      cwd: this.home,
    });
    const exit = await withTimeout('kafka-storage format', tool.exited, this.startTimeoutMs).catch(async (e: Error) => {
      await tool.kill();
      throw e;
    });
    if (exit.code !== 0) throw new Error(`kafka-storage format exited with code ${exit.code}\n${tool.stdout}\n${tool.stderr}`);
  }

  private async answersOn(address: string): Promise<boolean> {
    try {
      (await WireClient.connect(address, 2_000)).close();
      return true;
    } catch {
      return false;
    }
  }

  private async spawnChild(): Promise<void> {
    const jvm = [javaCommand(), `-Xmx${this.heap}`, `-Xms${this.heap}`, ...JVM_PERFORMANCE_OPTS, '-cp', this.classpath, 'kafka.Kafka', this.propertiesFile];
    const netns = this.placement?.netns;
    const [command = '', ...args] = netns === undefined ? jvm : ['ip', 'netns', 'exec', netns, ...jvm];
    const child = new ManagedChild({ command, args, cwd: this.home });
    this.child = child;
    let settled = false;
    const ready = (async (): Promise<void> => {
      while (!settled && child.exit === undefined) {
        if (await this.servesMetadata()) return;
        await sleep(250);
      }
    })();
    try {
      await awaitReady(child, ready, this.startTimeoutMs, `Apache Kafka on ${this.bootstrap} (Metadata listing node ${this.nodeId})`);
    } finally {
      settled = true;
    }
  }

  /**
   * One Metadata round trip on the broker listener that lists this node and cluster; a
   * controller-only node: its controller listener answers (ApiVersions, on connecting).
   */
  private async servesMetadata(): Promise<boolean> {
    if (this.placement?.roles === 'controller') return this.answersOn(`${this.host}:${this.controllerPort}`);
    const netns = this.placement?.netns;
    if (netns !== undefined) {
      // Not reachable from this process's namespace: asked from the node's own.
      const md = await metadataInNetns(netns, this.bootstrap, [], 2_000);
      return md !== null && md.clusterId === this.clusterId && md.brokers.includes(this.nodeId);
    }
    try {
      const w = await WireClient.connect(this.bootstrap, 2_000);
      try {
        const md = await w.metadata([]);
        return md.clusterId === this.clusterId && md.brokers.some((b) => b.nodeId === this.nodeId);
      } finally {
        w.close();
      }
    } catch {
      return false;
    }
  }

  /** SIGTERM (Kafka's controlled shutdown), bounded; SIGKILLed and rejected when it hangs. */
  async stop(timeoutMs = 60_000): Promise<ExitInfo> {
    return this.child === undefined ? { code: null, signal: null } : this.child.stop(timeoutMs, 'Apache Kafka');
  }

  /** SIGKILL (kill -9), and wait for the exit. */
  async kill(): Promise<ExitInfo> {
    return this.child === undefined ? { code: null, signal: null } : this.child.kill();
  }

  /** Sends a signal without waiting (SIGSTOP/SIGCONT for fault runs). */
  signal(sig: NodeJS.Signals): void {
    this.child?.signal(sig);
  }

  /**
   * Starts Kafka again on the same log dir and ports (no format: the log is recovered). A JVM that
   * exits at once (the old listener's port not yet released) is started again, a few times.
   */
  async restart(): Promise<void> {
    if (this.alive) throw new Error('restart(): Apache Kafka is still running; stop() or kill() it first');
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      this.history += (this.child?.stderr ?? '') + `\n----- [compat] restart (previous exit ${JSON.stringify(this.child?.exit)}) -----\n`;
      try {
        await this.spawnChild();
        return;
      } catch (e) {
        lastError = e;
        if (this.child?.exit?.code === null) break; // killed at the timeout: not an early exit
        await sleep(500);
      }
    }
    throw lastError;
  }

  /** Stops Kafka if it runs (SIGKILL if SIGTERM does not work) and removes its directory. */
  async cleanup(): Promise<void> {
    if (this.alive) {
      try {
        await this.stop(30_000);
      } catch {
        await this.kill();
      }
    }
    rmSync(this.home, { recursive: true, force: true });
  }
}

export { INSTALL_HINT };
