/**
 * The state of one `__transaction_state` partition: the transactional ids that hash to it, each
 * with its producer id, epoch, timeout, state and partitions, rebuilt by replaying the partition.
 * It changes only through replay (the last record of a transactional id wins; a tombstone removes it).
 *
 * `lastProducerEpoch` is Kafka's in-memory lastProducerEpoch (KIP-360: a retried InitProducerId whose
 * answer was lost gets the same epoch again); it is not in the record, so it is -1 after a load.
 */
import type { CoordinatorRecord, CoordinatorState } from '../runtime.js';
import { decodeTxnKey, decodeTxnValue, type TxnRecordValue } from './records.js';

export interface TxnMetadata extends TxnRecordValue {
  readonly transactionalId: string;
  lastProducerEpoch: number;
}

export class TxnShardState implements CoordinatorState {
  readonly txns = new Map<string, TxnMetadata>();

  replay(record: CoordinatorRecord): void {
    const id = decodeTxnKey(record.key);
    if (id === null) return;
    if (record.value === null) {
      this.txns.delete(id);
      return;
    }
    const v = decodeTxnValue(record.value);
    const prev = this.txns.get(id);
    const lastProducerEpoch = prev === undefined ? -1 : prev.producerId === v.producerId && prev.producerEpoch !== v.producerEpoch ? prev.producerEpoch : prev.lastProducerEpoch;
    this.txns.set(id, { ...v, transactionalId: id, lastProducerEpoch });
  }
}
