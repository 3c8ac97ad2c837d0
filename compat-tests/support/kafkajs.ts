/** kafkajs plumbing for the compat suites: a client whose log is kept for failure reports (see src/compat/clients/kafkajs.ts). */
import kafkajs from 'kafkajs';
import type { RetryOptions } from 'kafkajs';
import { makeKafkaWith, type KafkaWithLog } from '../../src/compat/clients/kafkajs.js';

export { describeError, errorTypes, type KafkaWithLog } from '../../src/compat/clients/kafkajs.js';

export function makeKafka(bootstrap: string, clientId: string, retry?: RetryOptions): KafkaWithLog {
  return makeKafkaWith(kafkajs, bootstrap, clientId, retry);
}

export function printKafkajsLogOnFailure(ctx: Mocha.Context, log: readonly string[]): void {
  if (ctx.currentTest?.state !== 'failed' || log.length === 0) return;
  console.log('      [compat] kafkajs log tail:\n' + log.slice(-30).map((l) => `        ${l}`).join('\n'));
}
