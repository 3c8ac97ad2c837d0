/** A write asked of a replica that does not lead its partition (Kafka's NotLeaderOrFollowerException). */
export class NotLeaderError extends Error {}
