/**
 * A broker-side append (coordinator records) that replication refused, with Kafka's error code:
 * NOT_LEADER_OR_FOLLOWER when this replica does not lead, NOT_ENOUGH_REPLICAS_AFTER_APPEND or
 * REQUEST_TIMED_OUT when acks=all was not satisfied. storage-error-codes.ts passes the code on.
 */
export class ReplicationError extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}
