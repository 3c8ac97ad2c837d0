/**
 * Apache Kafka's Java artifacts (the Java client, Kafka's CLI tools, the broker itself, Streams and
 * Connect) for the compatibility runs: resolved from Maven Central by Maven, with Maven's own cache
 * (~/.m2) holding the jars and a small folder per artifact set under the user's cache dir holding
 * the pom and the resolved classpath. Nothing lands in the repository.
 *
 * Two steps, kept apart so a run never downloads by surprise:
 *  - fetchClasspath(): runs `mvn dependency:build-classpath` (network; `tributary compat
 *    --install-clients` and .ci/run call it);
 *  - cachedClasspath(): the classpath of an earlier fetch when every jar on it is still there, or
 *    a problem naming the command that fetches it (what a client adapter's detect() reports).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { runProcess } from '../process.js';

/** The Apache Kafka release the Java columns and the oracle run (TRIBUTARY_KAFKA_VERSION overrides). */
export const KAFKA_VERSION = process.env.TRIBUTARY_KAFKA_VERSION ?? '4.3.1';

/** The artifact sets the runs need; each resolves to one classpath. */
export const JVM_BUNDLES = {
  /** The Java client alone (kafka-clients), for the Java client column's driver. */
  'clients': ['kafka-clients'],
  /** Kafka's CLI tools: kafka-tools plus the core jar (kafka.tools.*, kafka-configs, kafka-log-dirs ...). */
  'tools': ['kafka-tools', 'kafka_2.13'],
  /** The broker (KRaft combined mode), for Apache Kafka as the oracle. */
  'server': ['kafka_2.13'],
  /** Kafka Streams. */
  'streams': ['kafka-streams'],
  /** Kafka Connect's worker with the file connectors. */
  'connect': ['connect-runtime', 'connect-file'],
} as const satisfies Record<string, readonly string[]>;
export type JvmBundle = keyof typeof JVM_BUNDLES;

/** The fix a user runs when a bundle is not in the cache. */
export const INSTALL_HINT = 'npx tributary compat --install-clients';

export function cacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'tributary');
}

function bundleDir(bundle: JvmBundle): string {
  return join(cacheRoot(), 'jvm', `kafka-${KAFKA_VERSION}`, bundle);
}

function pomOf(bundle: JvmBundle): string {
  const deps = JVM_BUNDLES[bundle].map((a) =>
    `    <dependency><groupId>org.apache.kafka</groupId><artifactId>${a}</artifactId><version>${KAFKA_VERSION}</version></dependency>`);
  return [
    '<project xmlns="http://maven.apache.org/POM/4.0.0">',
    '  <modelVersion>4.0.0</modelVersion>',
    `  <groupId>tributary.compat</groupId><artifactId>${bundle}</artifactId><version>1</version>`,
    '  <dependencies>',
    ...deps,
    '  </dependencies>',
    '</project>',
    '',
  ].join('\n');
}

export type Classpath = { readonly classpath: string } | { readonly problem: string };

/** The classpath of an earlier fetch, or why there is none (never touches the network). */
export function cachedClasspath(bundle: JvmBundle): Classpath {
  const file = join(bundleDir(bundle), 'classpath.txt');
  if (!existsSync(file)) return { problem: `Kafka ${KAFKA_VERSION} '${bundle}' jars are not fetched (${INSTALL_HINT})` };
  const classpath = readFileSync(file, 'utf8').trim();
  const missing = classpath.split(delimiter).find((jar) => !existsSync(jar));
  if (classpath === '' || missing !== undefined) {
    return { problem: `Kafka ${KAFKA_VERSION} '${bundle}' classpath names a missing jar ${missing ?? ''} (${INSTALL_HINT})` };
  }
  return { classpath };
}

/** Resolves a bundle with Maven (downloading what ~/.m2 lacks) and records its classpath. */
export async function fetchClasspath(bundle: JvmBundle, timeoutMs = 600_000): Promise<Classpath> {
  const dir = bundleDir(bundle);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'pom.xml'), pomOf(bundle));
  const r = await runProcess('mvn', ['-q', '-B', '-f', join(dir, 'pom.xml'), 'dependency:build-classpath',
    `-Dmdep.outputFile=${join(dir, 'classpath.txt')}`], { timeoutMs });
  if (r.code !== 0) {
    const why = r.timedOut ? `timed out after ${timeoutMs} ms` : (r.stdout + r.stderr).trim().split('\n').slice(-3).join(' | ');
    return { problem: `mvn could not resolve Kafka ${KAFKA_VERSION} '${bundle}': ${why || `exit ${r.code}`}` };
  }
  return cachedClasspath(bundle);
}

/** The `java` to run Kafka's code with (JAVA_HOME's when set). */
export function javaCommand(tool: 'java' | 'javac' = 'java'): string {
  const home = process.env.JAVA_HOME;
  return home !== undefined && home !== '' ? join(home, 'bin', tool) : tool;
}
