/**
 * Runs capabilities × clients against one endpoint. The same CompatSession serves `tributary compat`
 * (runMatrix: every cell, some in parallel, a report at the end) and compat-tests/matrix.test.ts
 * (one mocha `it` per cell, each calling session.runCell).
 *
 * Order of a run: open() probes the endpoint (a bounded TCP connect and ApiVersions: nothing
 * listening is an EndpointError within seconds) and detects the installed clients; then each cell
 * runs under its timeout with a fresh CompatEnv; after each cell its topics and groups (everything
 * named under the cell's prefix) are deleted; close() sweeps whatever is left under the run's prefix.
 */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { apiName, ApiKey } from '../protocol/generated/api-keys.js';
import {
  CLIENT_IDS, CLUSTER_BROKER_CONFIG, DEFAULT_CELL_TIMEOUT_MS, NotRunError,
  type Capability, type CellFn, type ClientHandles, type ClientId, type CompatEnv, type ControlledBroker, type ControlledCluster, type RestartOptions, type TopicSpec,
} from './capability.js';
import { controlledCluster, connectAny, type ClusterStarter, type StartedCluster } from './row-cluster.js';
import { ADAPTERS } from './clients/index.js';
import { PACKAGE_ROOT } from './package-root.js';
import { waitFor } from './wait.js';
import { WireClient, type ApiVersionTable } from '../client/wire-client.js';

export { EndpointError } from '../client/wire-client.js';

export type CellStatus = 'pass' | 'fail' | 'not-run' | 'not-applicable';

export interface CellResult {
  readonly capability: string;
  readonly client: ClientId;
  readonly status: CellStatus;
  /** fail: the first line of the error; not-run / not-applicable: why. */
  readonly reason?: string;
  /** fail: the whole error and the cell's notes (client logs …). */
  readonly detail?: string;
  readonly durationMs: number;
}

export interface ClientStatus {
  readonly id: ClientId;
  readonly title: string;
  readonly version?: string;
  readonly problem?: string;
  readonly install: string;
}

export interface EndpointInfo {
  readonly bootstrap: string;
  /** True when the run started this broker itself (a fresh Tributary, or Apache Kafka with --broker kafka). */
  readonly startedByRun: boolean;
  /** What the run started, when it did and it is not Tributary: 'Apache Kafka 4.3.1'. */
  readonly product?: string;
  readonly clusterId: string | null;
  readonly brokers: readonly { readonly nodeId: number; readonly host: string; readonly port: number }[];
  readonly apiVersions: readonly { readonly api: string; readonly key: number; readonly min: number; readonly max: number }[];
}

export interface SessionOptions {
  readonly bootstrap: string;
  readonly controlled?: ControlledBroker;
  readonly restart?: (opts?: RestartOptions) => Promise<void>;
  /**
   * Called after every restart row, pass or fail: starts the controlled broker again when the row
   * left none running, so a failed restart does not fail every later cell (restart-controls.ts).
   */
  readonly ensureRunning?: () => Promise<void>;
  /** What the run started (EndpointInfo.product), when it is not Tributary. */
  readonly product?: string;
  /**
   * How a cluster row (needsCluster) gets its 3-node cluster: started with CLUSTER_BROKER_CONFIG
   * before the row's first cell, shared by its cells, stopped before another cluster row's or at
   * close(). Without it cluster rows are not run.
   */
  readonly cluster?: ClusterStarter;
  /** Only these client columns (default: all). */
  readonly clients?: readonly ClientId[];
  /** Bound for the TCP connect and each housekeeping request (default 5 s). */
  readonly connectTimeoutMs?: number;
}

const CLIENT_SHORT: Record<ClientId, string> = {
  'kafkajs': 'kjs', 'kcat': 'kcat', 'confluent-kafka-python': 'ckp', 'kafka-python': 'kp', 'java': 'java', 'kafka-cli': 'cli',
  'franz-go': 'fgo', 'confluent-kafka-python-2': 'ckp2',
};

/** Which of a capability's cells can run here, and if not, why. */
export type CellPlan =
  | { readonly run: true; readonly fn: (env: CompatEnv) => Promise<void> }
  | { readonly run: false; readonly status: 'not-run' | 'not-applicable'; readonly reason: string };

/** The cluster of the cluster row whose cells run now, and the session its cells run in. */
interface RowCluster {
  readonly capability: string;
  readonly started: StartedCluster;
  readonly handle: ControlledCluster;
  readonly session: CompatSession;
}

export class CompatSession {
  readonly prefix: string;
  private readonly handles = new Map<ClientId, unknown>();
  private cellSeq = 0;
  private rowCluster: RowCluster | undefined;
  /** Set in the session of a cluster row's cells: env.cluster. */
  private clusterHandle: ControlledCluster | undefined;

  private constructor(
    private readonly opts: SessionOptions,
    readonly endpoint: EndpointInfo,
    readonly versions: ApiVersionTable,
    readonly clients: readonly ClientStatus[],
    handles: Map<ClientId, unknown>,
  ) {
    this.prefix = `tributary-compat-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}-`;
    for (const [k, v] of handles) this.handles.set(k, v);
  }

  private static async probe(opts: SessionOptions): Promise<{ endpoint: EndpointInfo; versions: ApiVersionTable }> {
    const timeoutMs = opts.connectTimeoutMs ?? 5_000;
    const wire = await connectAny(opts.bootstrap, timeoutMs);
    let endpoint: EndpointInfo;
    try {
      const md = await wire.metadata([]);
      endpoint = {
        bootstrap: opts.bootstrap,
        startedByRun: opts.controlled !== undefined,
        ...(opts.product === undefined ? {} : { product: opts.product }),
        clusterId: md.clusterId ?? null,
        brokers: md.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })),
        apiVersions: [...wire.versions].sort((a, b) => a[0] - b[0]).map(([key, v]) => ({ api: apiName(key), key, min: v.min, max: v.max })),
      };
    } finally {
      wire.close();
    }
    return { endpoint, versions: wire.versions };
  }

  /** Probes the endpoint (EndpointError when it cannot be reached) and detects the clients. */
  static async open(opts: SessionOptions): Promise<CompatSession> {
    const { endpoint, versions } = await CompatSession.probe(opts);
    const wanted = opts.clients ?? CLIENT_IDS;
    const handles = new Map<ClientId, unknown>();
    const clients = await Promise.all(CLIENT_IDS.filter((id) => wanted.includes(id)).map(async (id): Promise<ClientStatus> => {
      const a = ADAPTERS[id];
      const d = await a.detect();
      if ('problem' in d) return { id, title: a.title, problem: d.problem, install: a.install };
      handles.set(id, d.handle);
      return { id, title: a.title, version: d.version, install: a.install };
    }));
    return new CompatSession(opts, endpoint, versions, clients, handles);
  }

  handle<C extends ClientId>(id: C): ClientHandles[C] | undefined {
    return this.handles.get(id) as ClientHandles[C] | undefined;
  }

  /** Why a capability cannot run on this endpoint at all (undefined: it can). */
  unsupported(cap: Capability): string | undefined {
    for (const r of cap.requires) {
      const v = this.versions.get(r.api);
      const need = r.minVersion ?? 0;
      if (v === undefined) return `not supported by endpoint (${apiName(r.api)} not advertised)`;
      if (v.max < need) return `not supported by endpoint (${apiName(r.api)} v${need}+ needed, v${v.max} advertised)`;
    }
    if (cap.needsRestart === true && this.opts.restart === undefined) {
      return 'needs a broker the run controls (it restarts it); not with --bootstrap';
    }
    if (cap.needsCluster !== undefined && this.opts.cluster === undefined && this.clusterHandle === undefined) {
      return `needs a broker the run controls: a 3-node cluster it starts (${cap.needsCluster}); not with --bootstrap`;
    }
    if (cap.needsControlledBroker !== undefined && this.opts.controlled === undefined) {
      return `needs a broker the run controls (${cap.needsControlledBroker}); not with --bootstrap`;
    }
    return undefined;
  }

  plan<C extends ClientId>(cap: Capability, client: C): CellPlan {
    const cell = cap.cells[client];
    if (cell === undefined) return { run: false, status: 'not-applicable', reason: 'no test for this client yet' };
    if (typeof cell !== 'function') return { run: false, status: 'not-applicable', reason: cell.notApplicable };
    const status = this.clients.find((c) => c.id === client);
    if (status === undefined) return { run: false, status: 'not-run', reason: 'client not selected' };
    const handle = this.handle(client);
    if (handle === undefined) return { run: false, status: 'not-run', reason: `client absent (${status.install})` };
    const unsupported = this.unsupported(cap);
    if (unsupported !== undefined) return { run: false, status: 'not-run', reason: unsupported };
    const fn = cell as CellFn<C>;
    return { run: true, fn: (env) => fn(env, handle) };
  }

  /**
   * Runs one cell under its timeout, then deletes what it created. Never throws. A cluster row's
   * cell runs in the session of the row's cluster (started first, if this is the row's first cell;
   * the cell's time limit starts once it serves).
   */
  async runCell(cap: Capability, client: ClientId): Promise<CellResult> {
    const started = Date.now();
    const plan = this.plan(cap, client);
    if (!plan.run) return { capability: cap.id, client, status: plan.status, reason: plan.reason, durationMs: 0 };
    if (cap.needsCluster !== undefined && this.clusterHandle === undefined) {
      let row: RowCluster;
      try {
        row = await this.clusterFor(cap);
      } catch (e) {
        const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
        return { capability: cap.id, client, status: 'fail', reason: `the row's cluster did not start: ${firstLine(text)}`, detail: text, durationMs: Date.now() - started };
      }
      const r = await row.session.runCell(cap, client);
      return { ...r, durationMs: Date.now() - started };
    }

    const timeoutMs = cap.timeoutMs ?? DEFAULT_CELL_TIMEOUT_MS;
    // A restart moves the deadline by the time it took: the cell's time limit bounds what the
    // clients do, not how long a broker takes to start on a loaded machine (that has its own bound).
    let deadline = started + timeoutMs;
    let restartMs = 0;
    let restarting = false;
    const restart = cap.needsRestart === true && this.opts.restart !== undefined ? this.opts.restart : undefined;
    const abort = new AbortController();
    const cleanups: (() => Promise<void> | void)[] = [];
    const notes: string[] = [];
    const groups: string[] = [];
    const cellPrefix = `${this.prefix}${cap.id}-${CLIENT_SHORT[client]}-${++this.cellSeq}-`;
    let n = 0;
    const env: CompatEnv = {
      bootstrap: this.opts.bootstrap,
      prefix: cellPrefix,
      versions: this.versions,
      controlled: this.opts.controlled,
      cluster: this.clusterHandle,
      restart: restart === undefined ? undefined : async (opts) => {
        const t0 = Date.now();
        restarting = true;
        try {
          await restart(opts);
        } finally {
          restarting = false;
          restartMs += Date.now() - t0;
          deadline += Date.now() - t0;
        }
      },
      signal: abort.signal,
      remainingMs: (limit?: number) => Math.max(1, Math.min(limit ?? Infinity, deadline - Date.now())),
      topic: (tag) => `${cellPrefix}${tag}-${++n}`,
      group: (tag) => {
        const g = `${cellPrefix}${tag}-${++n}`;
        groups.push(g);
        return g;
      },
      createTopic: (tag, spec) => this.createTopic(`${cellPrefix}${tag}-${++n}`, spec ?? {}, Math.min(30_000, deadline - Date.now())),
      brokerConfigs: (keys) => this.wire((w) => w.brokerConfigs(this.endpoint.brokers[0]?.nodeId ?? 0, keys)),
      describeGroup: async (group) => this.wire((w) => w.describeGroup(group), await this.wire((w) => w.findGroupCoordinator(group))),
      committedOffsets: async (group, topic) => {
        const t = (await this.wire((w) => w.metadata([topic]))).topics[0];
        if (t === undefined || t.errorCode !== 0) throw new Error(`committedOffsets: no metadata for topic ${topic}`);
        const partitions = t.partitions.map((p) => p.partitionIndex).sort((a, b) => a - b);
        return this.wire((w) => w.committedOffsets(group, topic, partitions), await this.wire((w) => w.findGroupCoordinator(group)));
      },
      onCleanup: (fn) => cleanups.push(fn),
      note: (line) => notes.push(line),
      client: (id) => this.handle(id),
    };

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, rej) => {
      const check = (): void => {
        const left = restarting ? 1000 : deadline - Date.now();
        if (left > 0) {
          timer = setTimeout(check, left);
          return;
        }
        abort.abort();
        rej(new Error(`timed out after ${timeoutMs} ms${restartMs > 0 ? ` (plus ${restartMs} ms of broker restarts)` : ''}`));
      };
      timer = setTimeout(check, timeoutMs);
    });
    let status: CellStatus = 'pass';
    let reason: string | undefined;
    let detail: string | undefined;
    try {
      await Promise.race([plan.fn(env), timedOut]);
    } catch (e) {
      if (e instanceof NotRunError) {
        status = 'not-run';
        reason = e.message;
      } else {
        status = 'fail';
        const text = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
        reason = firstLine(e instanceof Error ? e.message : String(e));
        detail = text;
      }
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
    if (this.clusterHandle !== undefined) {
      const revived = await this.reviveNodes(notes);
      if (revived !== undefined && status !== 'fail') {
        status = 'fail';
        reason = revived;
      }
    }
    if (cap.needsRestart === true) {
      const recovery = await this.recover();
      if (recovery !== undefined) {
        notes.push(recovery);
        if (status !== 'fail') {
          status = 'fail';
          reason = recovery;
        }
      }
    }
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (e) {
        notes.push(`cleanup step failed: ${(e as Error).message}`);
      }
    }
    try {
      await this.deleteUnder(cellPrefix, groups);
    } catch (e) {
      notes.push(`could not delete the cell's topics/groups: ${(e as Error).message}`);
    }
    if (status === 'fail' && notes.length > 0) detail = `${detail ?? ''}\n${notes.join('\n')}`;
    return { capability: cap.id, client, status, reason, detail, durationMs: Date.now() - started };
  }

  /** The running cluster of `cap`'s row: a new one (the previous row's stopped first) for its first cell. */
  private async clusterFor(cap: Capability): Promise<RowCluster> {
    if (this.rowCluster?.capability === cap.id) return this.rowCluster;
    await this.stopRowCluster();
    const starter = this.opts.cluster;
    if (starter === undefined) throw new Error('no cluster starter');
    const config = { ...CLUSTER_BROKER_CONFIG };
    const started = await starter.start(config);
    try {
      const connectTimeoutMs = this.opts.connectTimeoutMs ?? 5_000;
      const handle = controlledCluster(started, config, connectTimeoutMs);
      const opts: SessionOptions = { bootstrap: started.bootstrap, product: started.product, connectTimeoutMs };
      const { endpoint, versions } = await CompatSession.probe(opts);
      const session = new CompatSession(opts, endpoint, versions, this.clients, this.handles);
      session.clusterHandle = handle;
      this.rowCluster = { capability: cap.id, started, handle, session };
      return this.rowCluster;
    } catch (e) {
      await started.stop();
      throw e;
    }
  }

  private async stopRowCluster(): Promise<string[]> {
    const row = this.rowCluster;
    this.rowCluster = undefined;
    if (row === undefined) return [];
    const problems = await row.session.close();
    await row.started.stop();
    return problems;
  }

  /** After a cluster row's cell: every node it killed started again (the next cell gets three), or why not. */
  private async reviveNodes(notes: string[]): Promise<string | undefined> {
    const dead = this.clusterHandle?.nodes.filter((n) => !n.alive) ?? [];
    for (const n of dead) {
      try {
        await n.restart();
      } catch (e) {
        notes.push(`node ${n.id} output tail:\n${n.output().split('\n').slice(-30).join('\n')}`);
        return `node ${n.id} could not be started again after the cell: ${firstLine((e as Error).message)}`;
      }
    }
    return undefined;
  }

  /** After a restart row: a running broker again, or why not (the later cells will fail then). */
  private async recover(): Promise<string | undefined> {
    try {
      await this.opts.ensureRunning?.();
      return undefined;
    } catch (e) {
      return `the row left no running broker and it could not be started again: ${firstLine((e as Error).message)}`;
    }
  }

  /** Deletes every topic and group left under the run's prefix. Returns problems (empty: clean). */
  async close(): Promise<string[]> {
    const problems = await this.stopRowCluster();
    try {
      await this.deleteUnder(this.prefix, []);
      return problems;
    } catch (e) {
      return [...problems, `cleanup of ${this.prefix}* failed: ${(e as Error).message}`];
    }
  }

  private async wire<T>(fn: (w: WireClient) => Promise<T>, address = this.opts.bootstrap): Promise<T> {
    const w = await connectAny(address, this.opts.connectTimeoutMs ?? 5_000);
    try {
      return await fn(w);
    } finally {
      w.close();
    }
  }

  private async createTopic(name: string, spec: TopicSpec, timeoutMs: number): Promise<string> {
    const partitions = spec.partitions ?? 1;
    const res = await this.wire((w) => w.createTopics([{ name, partitions, configs: spec.configs }]));
    const err = res.get(name);
    if (err !== null && err !== undefined) throw new Error(`creating topic ${name}: ${err}`);
    // Served, not only named: Metadata may list a leader before it has loaded the partition (Kafka
    // answers NOT_LEADER_OR_FOLLOWER meanwhile), and a client's first write would be retried then,
    // out of order unless the client is idempotent.
    await waitFor(`topic ${name} with ${partitions} partitions, each served by its leader`, async () => {
      const md = await this.wire((w) => w.metadata([name]));
      const t = md.topics[0];
      if (t === undefined || t.errorCode !== 0 || t.partitions.length !== partitions || !t.partitions.every((p) => p.leaderId >= 0)) return false;
      for (const b of md.brokers) {
        const address = b.host.includes(':') ? `[${b.host}]:${b.port}` : `${b.host}:${b.port}`;
        // Known to every broker (a cluster's brokers learn of a new topic one after another): a
        // client that asks any of them for metadata finds it.
        if (md.brokers.length > 1) {
          const seen = (await this.wire((w) => w.metadata([name]), address)).topics[0];
          if (seen === undefined || seen.errorCode !== 0 || seen.partitions.length !== partitions) return false;
        }
        const led = t.partitions.filter((p) => p.leaderId === b.nodeId).map((p) => p.partitionIndex);
        if (led.length === 0) continue;
        const errors = await this.wire((w) => w.listOffsetsErrors(name, led), address);
        if (led.some((p) => errors.get(p) !== 0)) return false;
      }
      return true;
    }, Math.max(1000, timeoutMs), 100);
    return name;
  }

  private async deleteUnder(prefix: string, groups: readonly string[]): Promise<void> {
    const topics = await this.wire(async (w) => (await w.metadata(null)).topics
      .map((t) => t.name ?? '').filter((t) => t.startsWith(prefix)));
    if (topics.length > 0) {
      const res = await this.wire((w) => w.deleteTopics(topics));
      const failed = [...res].filter(([, e]) => e !== null);
      if (failed.length > 0) throw new Error(`DeleteTopics: ${failed.map(([t, e]) => `${t}: ${e}`).join(', ')}`);
    }
    if (!this.versions.has(ApiKey.DeleteGroups)) return;
    const all = new Set(groups);
    if (this.versions.has(ApiKey.ListGroups)) {
      // Each broker lists the groups it coordinates.
      for (const b of this.endpoint.brokers) {
        const address = b.host.includes(':') ? `[${b.host}]:${b.port}` : `${b.host}:${b.port}`;
        const listed = await this.wire((w) => w.listGroups(), address).catch(() => [] as string[]);
        for (const g of listed) if (g.startsWith(prefix)) all.add(g);
      }
    }
    for (const g of all) {
      const coordinator = await this.wire((w) => w.findGroupCoordinator(g));
      const res = await this.wire((w) => w.deleteGroups([g]), coordinator);
      const e = res.get(g);
      if (e !== null && e !== undefined) throw new Error(`DeleteGroups ${g}: ${e}`);
    }
  }
}

export function firstLine(s: string): string {
  return (s.split('\n').find((l) => l.trim() !== '') ?? s).trim().slice(0, 300);
}

export interface CapabilityInfo {
  readonly id: string;
  readonly title: string;
  readonly requires: readonly string[];
  /** Why it cannot run on this endpoint (undefined: it can). */
  readonly unsupported?: string;
}

export interface MatrixResult {
  readonly tool: { readonly name: 'tributary compat'; readonly version: string };
  readonly startedAt: string;
  readonly durationMs: number;
  readonly endpoint: EndpointInfo;
  readonly clients: readonly ClientStatus[];
  readonly capabilities: readonly CapabilityInfo[];
  /** Every capability × client, in matrix order. */
  readonly cells: readonly CellResult[];
  readonly summary: { readonly pass: number; readonly fail: number; readonly notRun: number; readonly notApplicable: number };
  /** Topics/groups the run could not delete. */
  readonly cleanupProblems: readonly string[];
}

export interface RunMatrixOptions {
  /** Cells run at the same time (default 4); restart capabilities always run alone, last. */
  readonly parallel?: number;
  readonly onResult?: (r: CellResult, cap: Capability) => void;
}

export function toolVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Runs every capability × client of the session, then the final cleanup. */
export async function runMatrix(session: CompatSession, capabilities: readonly Capability[], opts: RunMatrixOptions = {}): Promise<MatrixResult> {
  const started = Date.now();
  const results = new Map<string, CellResult>();
  const keyOf = (cap: Capability, client: ClientId): string => cellKey(cap.id, client);
  const columns = session.clients.map((c) => c.id);
  const tasks = capabilities.flatMap((cap) => columns.map((client) => ({ cap, client })));
  const run = async (t: { cap: Capability; client: ClientId }): Promise<void> => {
    const r = await session.runCell(t.cap, t.client);
    results.set(keyOf(t.cap, t.client), r);
    opts.onResult?.(r, t.cap);
  };
  // Restart rows and cluster rows (a cluster each, started for the row) run alone, after the others.
  const alone = (cap: Capability): boolean => cap.needsRestart === true || cap.needsCluster !== undefined;
  const queue = tasks.filter((t) => !alone(t.cap));
  const parallel = Math.max(1, opts.parallel ?? 4);
  await Promise.all(Array.from({ length: Math.min(parallel, queue.length) }, async () => {
    for (let t = queue.shift(); t !== undefined; t = queue.shift()) await run(t);
  }));
  for (const t of tasks.filter((x) => alone(x.cap))) await run(t);
  const cleanupProblems = await session.close();

  const cells = tasks.map((t) => results.get(keyOf(t.cap, t.client))!);
  return matrixResult(session, capabilities, cells, started, cleanupProblems);
}

/**
 * A matrix from cells already run (by runMatrix, or one by one by the mocha suites, which write it
 * for CI to print): every capability × detected client, in matrix order; a cell not in `ran` is
 * planned here (not applicable, no test yet, client absent), which runs nothing.
 */
export async function matrixFromCells(session: CompatSession, capabilities: readonly Capability[], ran: ReadonlyMap<string, CellResult>, started: number): Promise<MatrixResult> {
  const cells: CellResult[] = [];
  for (const cap of capabilities) {
    for (const c of session.clients) {
      const result = ran.get(cellKey(cap.id, c.id));
      if (result !== undefined) cells.push(result);
      else if (typeof cap.cells[c.id] === 'function') cells.push({ capability: cap.id, client: c.id, status: 'not-run', reason: 'not run by this test run', durationMs: 0 });
      else cells.push(await session.runCell(cap, c.id));
    }
  }
  return matrixResult(session, capabilities, cells, started, []);
}

/** The key of one cell in a map of results. */
export function cellKey(capability: string, client: ClientId): string {
  return `${capability}\u0000${client}`;
}

function matrixResult(session: CompatSession, capabilities: readonly Capability[], cells: readonly CellResult[], started: number, cleanupProblems: readonly string[]): MatrixResult {
  const count = (s: CellStatus): number => cells.filter((c) => c.status === s).length;
  return {
    tool: { name: 'tributary compat', version: toolVersion() },
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    endpoint: session.endpoint,
    clients: session.clients,
    capabilities: capabilities.map((c) => ({
      id: c.id, title: c.title,
      requires: c.requires.map((r) => `${apiName(r.api)}${r.minVersion ? ` v${r.minVersion}+` : ''}`),
      unsupported: session.unsupported(c),
    })),
    cells,
    summary: { pass: count('pass'), fail: count('fail'), notRun: count('not-run'), notApplicable: count('not-applicable') },
    cleanupProblems,
  };
}
