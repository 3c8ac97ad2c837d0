/**
 * Apache Kafka's own command-line tools (bin/kafka-topics.sh, kafka-console-consumer.sh …) as a
 * column: each tool runs as its script runs it, `java -cp <kafka-tools + kafka_2.13 jars> <main
 * class> <args>`, from the jars Maven fetched into ~/.m2 (src/compat/jvm/maven.ts, bundle 'tools').
 *
 * The scripts pass a log4j2 config that sends the tools' logging to stderr; the classpath here has no
 * SLF4J binding, so the tools log nothing at all (SLF4J says so once on stderr) and stdout holds only
 * what the tool prints for its user, which is what the cells assert.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompatEnv } from '../capability.js';
import { cachedClasspath, fetchClasspath, INSTALL_HINT, javaCommand } from '../jvm/maven.js';
import { runProcess, StreamingProcess, type RunResult } from '../process.js';
import type { Detected } from './adapter.js';

/**
 * Each tool's main class, as Kafka 4.3.1's bin/<tool>.sh names it (kafka-configs is still the Scala
 * kafka.admin.ConfigCommand in kafka_2.13; the rest live in kafka-tools).
 */
export const KAFKA_TOOLS = {
  'kafka-topics': 'org.apache.kafka.tools.TopicCommand',
  'kafka-console-producer': 'org.apache.kafka.tools.ConsoleProducer',
  'kafka-console-consumer': 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  'kafka-consumer-groups': 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  'kafka-configs': 'kafka.admin.ConfigCommand',
  'kafka-get-offsets': 'org.apache.kafka.tools.GetOffsetShell',
  'kafka-delete-records': 'org.apache.kafka.tools.DeleteRecordsCommand',
  'kafka-transactions': 'org.apache.kafka.tools.TransactionsCommand',
  'kafka-log-dirs': 'org.apache.kafka.tools.LogDirsCommand',
  'kafka-features': 'org.apache.kafka.tools.FeatureCommand',
  'kafka-producer-perf-test': 'org.apache.kafka.tools.ProducerPerformance',
  'kafka-broker-api-versions': 'org.apache.kafka.tools.BrokerApiVersionsCommand',
  'kafka-cluster': 'org.apache.kafka.tools.ClusterTool',
  'kafka-metadata-quorum': 'org.apache.kafka.tools.MetadataQuorumCommand',
  'kafka-leader-election': 'org.apache.kafka.tools.LeaderElectionCommand',
  'kafka-reassign-partitions': 'org.apache.kafka.tools.reassign.ReassignPartitionsCommand',
} as const;
export type KafkaTool = keyof typeof KAFKA_TOOLS;

/**
 * JVM options: a modest heap (the scripts give the tools -Xmx512M; 256 MB is plenty here and the
 * machine runs several JVMs at once), the serial collector and C1 only, because these processes live
 * for seconds and start-up time is what counts.
 */
const JVM_OPTS = ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'] as const;

export interface ToolOptions {
  /** Written to the tool's stdin, which is then closed (the console producer reads its records there). */
  readonly input?: string;
  /** At most this long (and never past the cell's deadline). */
  readonly timeoutMs?: number;
}

export interface KafkaCliHandle {
  readonly version: string;
  /** Runs one tool to completion, bounded by env's deadline and signal. */
  tool(env: CompatEnv, name: KafkaTool, args: readonly string[], opts?: ToolOptions): Promise<RunResult>;
  /** Starts a long-running tool (a console consumer in a group) whose stdout lines are watched; killed after the cell. */
  spawn(env: CompatEnv, name: KafkaTool, args: readonly string[]): StreamingProcess;
  /** Writes a file the tools read (--offset-json-file, --command-config …) into a folder removed after the cell. */
  file(env: CompatEnv, name: string, text: string): string;
}

/** The java command line of one tool, as its bin/<tool>.sh builds it. */
export function javaArgs(classpath: string, name: KafkaTool, args: readonly string[]): string[] {
  return [...JVM_OPTS, '-cp', classpath, KAFKA_TOOLS[name], ...args];
}

function handle(classpath: string, version: string): KafkaCliHandle {
  return {
    version,
    tool(env, name, args, opts = {}) {
      return runProcess(javaCommand(), javaArgs(classpath, name, args), {
        input: opts.input, timeoutMs: env.remainingMs(opts.timeoutMs), signal: env.signal,
      });
    },
    spawn(env, name, args) {
      const p = new StreamingProcess(javaCommand(), javaArgs(classpath, name, args), { signal: env.signal });
      env.onCleanup(() => p.stop());
      return p;
    },
    file(env, name, text) {
      const dir = mkdtempSync(join(tmpdir(), 'tributary-kafka-cli-'));
      env.onCleanup(() => rmSync(dir, { recursive: true, force: true }));
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
  };
}

/** java present and the 'tools' jars cached: the handle, with the version the jars report (`kafka-topics --version`). */
export async function detectKafkaCli(): Promise<Detected<KafkaCliHandle>> {
  const cp = cachedClasspath('tools');
  if ('problem' in cp) return { problem: cp.problem };
  const r = await runProcess(javaCommand(), javaArgs(cp.classpath, 'kafka-topics', ['--version']), { timeoutMs: 60_000 });
  const version = /^(\d+\.\d+\.\d+\S*)/m.exec(r.stdout)?.[1];
  if (r.code !== 0 || version === undefined) {
    const why = /spawn error: (.*)/.exec(r.stderr)?.[1] ?? (r.timedOut ? 'timed out' : `exit ${r.code}: ${r.stderr.trim().split('\n').pop() ?? ''}`);
    return { problem: `Kafka's CLI tools do not run here (${javaCommand()} -cp … ${KAFKA_TOOLS['kafka-topics']} --version: ${why}); ${INSTALL_HINT} needs a JDK (17+) and Maven` };
  }
  return { handle: handle(cp.classpath, version), version };
}

/** `tributary compat --install-clients`: the kafka-tools and kafka_2.13 jars into ~/.m2, their classpath into the cache. */
export async function prepareKafkaCli(): Promise<string | undefined> {
  const cp = await fetchClasspath('tools');
  return 'problem' in cp ? cp.problem : undefined;
}
