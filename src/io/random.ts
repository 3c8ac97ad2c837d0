/**
 * The randomness seam: unique ids for things like Kafka's `<topic>-<partition>.<id>-delete`
 * directory names, and the `Random` source pure state machines (src/raft/) take as a parameter so
 * a simulator can hand them a seeded one. Only src/io/ touches node:crypto randomness.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';

/** Uniform integers, as Java's Random.nextInt(bound): 0 <= n < bound. */
export interface Random {
  nextInt(bound: number): number;
}

/** The process's real randomness (node:crypto), for production wiring. */
export const systemRandom: Random = {
  nextInt: (bound: number) => (bound <= 1 ? 0 : randomInt(bound)),
};

/** A random UUID as 32 lowercase hex digits (Kafka's Uuid without dashes, as in delete-dir names). */
export function randomHexId(): string {
  return randomUUID().replace(/-/g, '');
}

/** A fresh Kafka topic id: 16 random bytes shown as URL-safe base64 (Kafka's Uuid.toString). */
export function randomTopicId(): string {
  const bytes = randomBytes(16);
  // Kafka never hands out the zero UUID or the metadata topic's reserved id.
  if (bytes.every((b) => b === 0)) bytes[15] = 1;
  return bytes.toString('base64url');
}

/** A random UUID in Java's text form (8-4-4-4-12 hex), as Kafka puts in member ids. */
export function randomUuidString(): string {
  return randomUUID();
}
