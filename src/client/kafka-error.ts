/**
 * A Kafka error code a broker answered, with the thing it concerns: "topic orders:
 * TOPIC_ALREADY_EXISTS: Topic 'orders' already exists." The CLI prints exactly this line.
 */
import { errorName } from '../protocol/generated/error-codes.js';

export class KafkaError extends Error {
  override name = 'KafkaError';
  readonly errorName: string;

  constructor(readonly subject: string, readonly code: number, readonly brokerMessage: string | null) {
    super(`${subject}: ${errorName(code)}${brokerMessage ? `: ${brokerMessage}` : ''}`);
    this.errorName = errorName(code);
  }
}

/** Throws a KafkaError unless `code` is 0. */
export function check(subject: string, code: number | undefined, message?: string | null): void {
  if (code !== undefined && code !== 0) throw new KafkaError(subject, code, message ?? null);
}
