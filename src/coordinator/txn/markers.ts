/**
 * Where transaction markers go on this node (Kafka's WriteTxnMarkers handling in KafkaApis): a data
 * partition's leader replica appends the control batch itself (its producer state closes the
 * transaction, moves the LSO and records an abort); a `__consumer_offsets` partition's marker goes
 * through the group coordinator, which then applies or drops the transaction's pending offsets.
 * Used by the transaction coordinator (single node: the leader is always local) and by the
 * WriteTxnMarkers API.
 */
import type { Clock } from '../../io/clock.js';
import type { Logger } from '../../util/logger.js';
import type { ReplicaManager } from '../../partition/replica-manager.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { GroupCoordinator } from '../group/group-coordinator.js';
import { OFFSETS_TOPIC } from '../group/records.js';
import type { MarkerWriter } from './txn-coordinator.js';

export function localMarkerWriter(replicas: ReplicaManager, groups: GroupCoordinator, clock: Clock, logger: Logger): MarkerWriter {
  return async (topic, partition, producerId, producerEpoch, commit, coordinatorEpoch) => {
    if (topic === OFFSETS_TOPIC) return groups.writeTxnMarker(partition, producerId, producerEpoch, commit, coordinatorEpoch);
    const p = replicas.get(topic, partition);
    if (p === undefined) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    try {
      const r = await p.appendTxnMarker(producerId, producerEpoch, commit, coordinatorEpoch, clock.nowMs());
      if (r.errorCode !== ErrorCode.NONE) logger.warn(`transaction marker for ${topic}-${partition}: ${r.message ?? `error ${r.errorCode}`}`);
      return r.errorCode;
    } catch (e) {
      logger.error(`transaction marker for ${topic}-${partition} failed: ${e instanceof Error ? e.stack : String(e)}`);
      return ErrorCode.KAFKA_STORAGE_ERROR;
    }
  };
}
