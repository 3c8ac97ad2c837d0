/**
 * What the tests that drive Kafka's own CLI tools against Apache Kafka and Tributary share: why
 * Kafka cannot run here, the tools' classpath (or a skip, a failure under CI=true), a tool runner,
 * and a port free on every local address (Kafka clusters on 127.0.0.x share one port number).
 */
import { createServer } from 'node:net';
import { kafkaClasspath } from '../../src/compat/jvm/kafka-process.js';
import { cachedClasspath, INSTALL_HINT, javaCommand } from '../../src/compat/jvm/maven.js';
import { javaArgs, type KafkaTool } from '../../src/compat/clients/kafka-cli.js';
import { runProcess, skipOrFail, type RunResult } from './helpers.js';

/** Why Apache Kafka cannot be started here, or null. */
export function kafkaUnavailable(): string | null {
  const cp = kafkaClasspath();
  return 'problem' in cp ? `Apache Kafka cannot be started here: ${cp.problem}. Fetch the jars with: ${INSTALL_HINT}` : null;
}

/** Kafka's CLI tools' classpath; skips the suite (fails under CI=true) when they or the target are missing. */
export function kafkaToolsOrSkip(ctx: Mocha.Context, targetProblem: string | null): string {
  const cp = cachedClasspath('tools');
  const missing = 'problem' in cp ? `Kafka's CLI tools are not cached; fetch them with: ${INSTALL_HINT}` : targetProblem;
  if (missing !== null) skipOrFail(ctx, missing);
  return 'problem' in cp ? '' : cp.classpath;
}

/** Runs one of Kafka's CLI tools (90 s bound). */
export function runKafkaTool(classpath: string, name: KafkaTool, args: readonly string[]): Promise<RunResult> {
  return runProcess(javaCommand(), javaArgs(classpath, name, args), { timeoutMs: 90_000 });
}

/** A port free on every local address (the Kafka nodes share one port number on 127.0.0.x). */
export function freePortOnAllAddresses(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '0.0.0.0', () => {
      const a = s.address();
      s.close(() => (a !== null && typeof a === 'object' ? res(a.port) : rej(new Error('no port'))));
    });
  });
}
