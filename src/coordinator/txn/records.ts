/**
 * `__transaction_state` records with Kafka's own bytes (records/transaction-coordinator/*.json,
 * TransactionLog.scala): key = int16 version (0) + TransactionLogKey; value = int16 version (0, as
 * Kafka 3.x writes it) + TransactionLogValue; a null value is a tombstone (an expired
 * transactional id). Status bytes are Kafka's TransactionState ids; an Empty transaction has a null
 * partition list, as Kafka writes it.
 */
import { Reader } from '../../protocol/codec/reader.js';
import { Writer } from '../../protocol/codec/writer.js';
import { decodeTransactionLogKey, encodeTransactionLogKey } from '../../protocol/generated/internal/transaction-log-key.js';
import { decodeTransactionLogValue, encodeTransactionLogValue, transactionLogValueMeta } from '../../protocol/generated/internal/transaction-log-value.js';
import type { CoordinatorRecord } from '../runtime.js';
import { javaStringHashCode, kafkaAbs } from '../group/records.js';

export const TRANSACTION_STATE_TOPIC = '__transaction_state';

/** Kafka's TransactionState ids (the status byte of TransactionLogValue). */
export const TxnState = {
  Empty: 0,
  Ongoing: 1,
  PrepareCommit: 2,
  PrepareAbort: 3,
  CompleteCommit: 4,
  CompleteAbort: 5,
  Dead: 6,
  PrepareEpochFence: 7,
} as const;
export type TxnStateId = (typeof TxnState)[keyof typeof TxnState];

/** The names DescribeTransactions / ListTransactions report (Kafka's TransactionState.name). */
export const TXN_STATE_NAMES: Readonly<Record<number, string>> = {
  0: 'Empty',
  1: 'Ongoing',
  2: 'PrepareCommit',
  3: 'PrepareAbort',
  4: 'CompleteCommit',
  5: 'CompleteAbort',
  6: 'Dead',
  7: 'PrepareEpochFence',
};

export interface TxnRecordValue {
  producerId: bigint;
  producerEpoch: number;
  txnTimeoutMs: number;
  state: TxnStateId;
  /** topic -> partitions, in insertion order. */
  partitions: ReadonlyMap<string, readonly number[]>;
  txnLastUpdateTimestampMs: number;
  txnStartTimestampMs: number;
}

/** Kafka's TransactionStateManager.partitionFor: Utils.abs(hashCode) % partitions. */
export function transactionPartitionFor(transactionalId: string, numPartitions: number): number {
  return kafkaAbs(javaStringHashCode(transactionalId)) % numPartitions;
}

export function txnRecord(transactionalId: string, v: TxnRecordValue | null): CoordinatorRecord {
  const k = new Writer(8 + transactionalId.length * 3);
  k.writeInt16(0);
  encodeTransactionLogKey(k, 0, { transactionalId });
  if (v === null) return { key: k.toBuffer(), value: null };
  const w = new Writer(64 + v.partitions.size * 32);
  w.writeInt16(0);
  encodeTransactionLogValue(w, 0, {
    producerId: v.producerId,
    producerEpoch: v.producerEpoch,
    transactionTimeoutMs: v.txnTimeoutMs,
    transactionStatus: v.state,
    transactionPartitions: v.state === TxnState.Empty ? null : [...v.partitions].map(([topic, partitionIds]) => ({ topic, partitionIds: [...partitionIds] })),
    transactionLastUpdateTimestampMs: BigInt(v.txnLastUpdateTimestampMs),
    transactionStartTimestampMs: BigInt(v.txnStartTimestampMs),
  });
  return { key: k.toBuffer(), value: w.toBuffer() };
}

/** The transactional id of a key, or null for a key version this broker does not know. */
export function decodeTxnKey(key: Buffer): string | null {
  const r = new Reader(key);
  const version = r.readInt16();
  if (version !== 0) return null;
  return decodeTransactionLogKey(r, 0).transactionalId;
}

export function decodeTxnValue(value: Buffer): TxnRecordValue {
  const r = new Reader(value);
  const version = Math.min(r.readInt16(), transactionLogValueMeta.maxVersion);
  const v = decodeTransactionLogValue(r, version);
  const partitions = new Map<string, number[]>();
  for (const p of v.transactionPartitions ?? []) partitions.set(p.topic, [...(partitions.get(p.topic) ?? []), ...p.partitionIds]);
  return {
    producerId: v.producerId,
    producerEpoch: v.producerEpoch,
    txnTimeoutMs: v.transactionTimeoutMs,
    state: v.transactionStatus as TxnStateId,
    partitions,
    txnLastUpdateTimestampMs: Number(v.transactionLastUpdateTimestampMs),
    txnStartTimestampMs: Number(v.transactionStartTimestampMs),
  };
}
