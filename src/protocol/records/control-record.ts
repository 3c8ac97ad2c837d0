/**
 * Control records (Kafka's ControlRecordType and EndTransactionMarker): the one record of a control
 * batch. Key: int16 version (0) + int16 type (0 ABORT, 1 COMMIT, ...). Value of a transaction marker:
 * int16 version (0) + int32 coordinator epoch. A control batch carries the producer id and epoch of
 * the transaction it ends, the transactional and control attribute bits, and base sequence -1.
 */
import { buildRecordBatch } from './record-batch-builder.js';

export const ControlRecordType = {
  Abort: 0,
  Commit: 1,
  /** KRaft: a new leader's first record of its epoch (value: LeaderChangeMessage). */
  LeaderChange: 2,
  /** KIP-853: the kraft.version feature level (value: KRaftVersionRecord). */
  KRaftVersion: 5,
  /** KIP-853: the voter set from this offset on (value: VotersRecord). */
  KRaftVoters: 6,
} as const;

const CURRENT_VERSION = 0;

export function encodeControlRecordKey(type: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt16BE(CURRENT_VERSION, 0);
  b.writeInt16BE(type, 2);
  return b;
}

/** The control type of a control record key, or -1 when the key is too short to hold one. */
export function decodeControlRecordType(key: Buffer): number {
  return key.length >= 4 ? key.readInt16BE(2) : -1;
}

export function encodeEndTxnMarkerValue(coordinatorEpoch: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeInt16BE(CURRENT_VERSION, 0);
  b.writeInt32BE(coordinatorEpoch, 2);
  return b;
}

/** A transaction marker batch (offset 0; the log assigns the real one). */
export function buildEndTxnMarkerBatch(opts: { producerId: bigint; producerEpoch: number; commit: boolean; coordinatorEpoch: number; timestamp: number; partitionLeaderEpoch?: number }): Promise<Buffer> {
  return buildRecordBatch({
    baseOffset: 0,
    producerId: opts.producerId,
    producerEpoch: opts.producerEpoch,
    baseSequence: -1,
    isTransactional: true,
    isControl: true,
    partitionLeaderEpoch: opts.partitionLeaderEpoch ?? -1,
    records: [{ key: encodeControlRecordKey(opts.commit ? ControlRecordType.Commit : ControlRecordType.Abort), value: encodeEndTxnMarkerValue(opts.coordinatorEpoch), timestamp: opts.timestamp }],
  });
}
