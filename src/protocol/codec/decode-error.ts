/** Thrown when bytes on the wire do not match the schema; the network layer maps it to Kafka's errors. */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
}
