/**
 * The two brokers under test, behind one interface: Tributary as a real process (`bin/tributary.js
 * start`, segment files in a fresh temp log dir) and the reference, librdkafka's in-memory mock
 * cluster in a process of its own (bench/c/mock-broker.c).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import kafkajs from 'kafkajs';
import { REPO_ROOT, type Tools } from './tools.js';

export type BrokerKind = 'tributary' | 'reference';

export interface Broker {
  readonly kind: BrokerKind;
  readonly bootstrap: string;
  readonly pid: number;
  /** ms from spawn to the broker announcing its address. */
  readonly startMs: number;
  /** Tributary's Prometheus endpoint, when metrics are on. */
  readonly metricsUrl?: string;
  /** Tributary's schema registry, when `schema.registry.listeners` turns it on. */
  readonly schemaRegistryUrl?: string;
  createTopic(name: string, partitions: number, configs?: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

/** Resolves with the first stdout line matching `re`, rejects if the process exits first. */
function waitForLine(child: ChildProcess, re: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => reject(new Error(`no ${re} within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    lines.on('line', (line) => {
      const m = re.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before ready: ${stderr}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface TributaryOptions {
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  overrides?: Record<string, string>;
  /** Directory for --cpu-prof output. */
  cwd?: string;
}

export async function startTributary(options: TributaryOptions = {}): Promise<Broker> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tributary-bench-data-'));
  // Metrics on, as `npm start` has them, on a free port (9404 may be taken by a node of the user's).
  // The schema registry only where a workload asks for it (on a free port then).
  const overrides = { listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': dataDir, 'tributary.metrics.listeners': 'http://127.0.0.1:0', 'schema.registry.listeners': '', ...options.overrides };
  const args = [...(options.nodeArgs ?? []), path.join(REPO_ROOT, 'bin/tributary.js'), 'start'];
  for (const [k, v] of Object.entries(overrides)) args.push('--override', `${k}=${v}`);
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: options.cwd ?? REPO_ROOT });
  let m: RegExpExecArray;
  try {
    m = await waitForLine(child, /listening on PLAINTEXT:\/\/([\d.]+:\d+)(?:, metrics on (\S+\/metrics))?(?:, schema registry on (http:\/\/[^\s,]+))?/, 30_000);
  } catch (e) {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  const startMs = performance.now() - t0;
  const bootstrap = m[1] as string;
  const kafka = new kafkajs.Kafka({ brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING });
  const admin = kafka.admin();
  let adminConnected = false;
  return {
    kind: 'tributary',
    bootstrap,
    pid: child.pid as number,
    startMs,
    ...(m[2] === undefined ? {} : { metricsUrl: m[2] }),
    ...(m[3] === undefined ? {} : { schemaRegistryUrl: m[3] }),
    async createTopic(name, partitions, configs = {}) {
      if (!adminConnected) {
        await admin.connect();
        adminConnected = true;
      }
      await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions, configEntries: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }], waitForLeaders: true });
    },
    async stop() {
      if (adminConnected) await admin.disconnect();
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startReference(tools: Tools): Promise<Broker> {
  const t0 = performance.now();
  const child = spawn(tools.path('mock-broker'), [], { stdio: ['pipe', 'pipe', 'pipe'] });
  const m = await waitForLine(child, /^bootstrap (\S+)/, 10_000);
  const startMs = performance.now() - t0;
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  return {
    kind: 'reference',
    bootstrap: m[1] as string,
    pid: child.pid as number,
    startMs,
    createTopic(name, partitions) {
      return new Promise((resolve, reject) => {
        waiting.push((line) => (line === 'ok' ? resolve() : reject(new Error(`mock-broker: creating ${name}: ${line}`))));
        child.stdin?.write(`topic ${name} ${partitions}\n`);
      });
    },
    async stop() {
      child.stdin?.end();
      await stopChild(child);
    },
  };
}

export function startBroker(kind: BrokerKind, tools: Tools): Promise<Broker> {
  return kind === 'tributary' ? startTributary() : startReference(tools);
}
