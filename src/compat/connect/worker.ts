/**
 * Kafka Connect's own Java worker, started with the main classes Kafka's bin/connect-standalone.sh
 * and bin/connect-distributed.sh run, on Kafka's 'connect' jars (connect-runtime with the file
 * connectors on the classpath), a worker.properties written to a temp dir, its REST API on a free
 * loopback port. The worker stops with SIGTERM (its shutdown hook stops connectors and commits
 * offsets), like Ctrl-C on the scripts.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { NotRunError, type CompatEnv } from '../capability.js';
import { cachedClasspath } from '../jvm/maven.js';
import { JvmProcess } from '../streams/jvm-process.js';

export type ConnectMode = 'standalone' | 'distributed';

/** The main classes bin/connect-standalone.sh and bin/connect-distributed.sh name. */
export const CONNECT_MAIN: Readonly<Record<ConnectMode, string>> = {
  standalone: 'org.apache.kafka.connect.cli.ConnectStandalone',
  distributed: 'org.apache.kafka.connect.cli.ConnectDistributed',
};

export type Props = Readonly<Record<string, string>>;

export function connectClasspath(): string {
  const cp = cachedClasspath('connect');
  if ('problem' in cp) throw new NotRunError(cp.problem);
  return cp.classpath;
}

/** A port nothing listens on now (the worker binds it a moment later). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (typeof addr === 'object' && addr !== null ? res(addr.port) : rej(new Error('no port'))));
    });
  });
}

/** Writes a Java .properties file (values here never need escaping beyond what Properties reads as is). */
export function writeProperties(dir: string, name: string, props: Props): string {
  const file = join(dir, name);
  const esc = (s: string): string => s.replace(/\\/g, '\\\\');
  writeFileSync(file, Object.entries(props).map(([k, v]) => `${k}=${esc(v)}\n`).join(''), 'utf8');
  return file;
}

/** Worker settings both modes share: the endpoint, plain strings in and out, REST on loopback. */
export function baseWorkerProps(env: CompatEnv, restPort: number): Record<string, string> {
  return {
    'bootstrap.servers': env.bootstrap,
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'listeners': `http://127.0.0.1:${restPort}`,
    // Offsets are committed every second (Kafka's default: a minute) and on a clean stop.
    'offset.flush.interval.ms': '1000',
    // A stop waits up to a minute for tasks to finish and commit their offsets (Kafka's default is
    // 5 s; a JVM on a loaded machine can need more, and what is not committed is sent again).
    'task.shutdown.graceful.timeout.ms': '60000',
  };
}

export interface ConnectorStatus {
  readonly connector?: { readonly state?: string; readonly trace?: string };
  readonly tasks?: readonly { readonly id: number; readonly state?: string; readonly trace?: string }[];
}

/** One run of a worker process, with its REST API. */
export class ConnectWorker {
  readonly proc: JvmProcess;
  private readonly base: string;

  constructor(env: CompatEnv, mode: ConnectMode, restPort: number, args: readonly string[]) {
    this.base = `http://127.0.0.1:${restPort}`;
    this.proc = new JvmProcess(env, {
      classpath: connectClasspath(), mainClass: CONNECT_MAIN[mode], args,
      jvmFlags: ['-Xms64m', '-Xmx768m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'],
    });
  }

  /** A REST call: status and parsed JSON body (undefined when not JSON), or undefined when nothing answers yet. */
  async rest(method: string, path: string, body?: object): Promise<{ status: number; json: unknown } | undefined> {
    try {
      const r = await fetch(`${this.base}${path}`, {
        method, signal: AbortSignal.timeout(10_000),
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: r.status, json };
    } catch {
      return undefined;
    }
  }

  /** POST /connectors, retried while the worker is still joining its group (409 rebalance) or starting. */
  async createConnector(env: CompatEnv, name: string, config: Props): Promise<void> {
    let last = 'no answer';
    await this.proc.until(`POST /connectors ${name}`, async () => {
      const r = await this.rest('POST', '/connectors', { name, config });
      if (r?.status === 201) return true;
      last = r === undefined ? 'no answer' : `${r.status} ${JSON.stringify(r.json)}`;
      if (r !== undefined && r.status !== 409 && r.status !== 404 && r.status < 500) throw new Error(`POST /connectors ${name}: ${last}`);
      return false;
    }, env.remainingMs(), 1000).catch((e: Error) => {
      throw new Error(`${e.message}\n  last answer: ${last}`);
    });
  }

  /** Waits through GET /connectors/{name}/status until the connector and its tasks are RUNNING. */
  async waitRunning(env: CompatEnv, name: string): Promise<void> {
    let last = 'no answer';
    await this.proc.until(`connector ${name} RUNNING`, async () => {
      const r = await this.rest('GET', `/connectors/${encodeURIComponent(name)}/status`);
      if (r === undefined) return false;
      last = `${r.status} ${JSON.stringify(r.json)}`;
      const s = r.json as ConnectorStatus | undefined;
      const states = [s?.connector?.state, ...(s?.tasks ?? []).map((t) => t.state)];
      if (states.includes('FAILED')) throw new Error(`connector ${name} FAILED: ${last}`);
      return r.status === 200 && (s?.tasks?.length ?? 0) > 0 && states.every((x) => x === 'RUNNING');
    }, env.remainingMs(), 500).catch((e: Error) => {
      throw new Error(`${e.message}\n  last status: ${last.slice(0, 3000)}`);
    });
  }

  /** SIGTERM and wait: the worker stops its tasks and commits their offsets. */
  async stop(env: CompatEnv): Promise<void> {
    await this.proc.terminate(env.remainingMs(90_000));
  }
}
