/**
 * `__consumer_offsets` records with Kafka's own bytes (records/group-coordinator/*.json and
 * GroupCoordinatorRecordSerde): key = int16 key version + key struct, where the version is the
 * record type (0/1 offset commit, 2 group metadata); value = int16 value version + value struct;
 * a null value is a tombstone. Versions written are Kafka 3.x's: OffsetCommitKey v1,
 * OffsetCommitValue v3 (v1 when an explicit expire timestamp was asked for, as Kafka does),
 * GroupMetadataKey v2, GroupMetadataValue v3.
 */
import { Reader } from '../../protocol/codec/reader.js';
import { Writer } from '../../protocol/codec/writer.js';
import { decodeOffsetCommitKey, encodeOffsetCommitKey } from '../../protocol/generated/internal/offset-commit-key.js';
import { decodeOffsetCommitValue, encodeOffsetCommitValue, offsetCommitValueMeta } from '../../protocol/generated/internal/offset-commit-value.js';
import { decodeGroupMetadataKey, encodeGroupMetadataKey } from '../../protocol/generated/internal/group-metadata-key.js';
import { decodeGroupMetadataValue, encodeGroupMetadataValue, groupMetadataValueMeta, type GroupMetadataValue } from '../../protocol/generated/internal/group-metadata-value.js';
import type { CoordinatorRecord } from '../runtime.js';

export const OFFSETS_TOPIC = '__consumer_offsets';

export interface OffsetAndMetadata {
  offset: number;
  /** -1 when unknown. */
  leaderEpoch: number;
  metadata: string;
  commitTimestampMs: number;
  /** Only from OffsetCommit v1-v4 with an explicit retention: the old per-offset expiry. */
  expireTimestampMs: number | null;
}

export type GroupRecordKey =
  | { type: 'offset'; group: string; topic: string; partition: number }
  | { type: 'group'; group: string }
  /** KIP-848 / share-group records: not ours, skipped on load. */
  | { type: 'other'; version: number };

export function offsetCommitRecord(group: string, topic: string, partition: number, o: OffsetAndMetadata | null): CoordinatorRecord {
  const k = new Writer(32 + group.length + topic.length);
  k.writeInt16(1);
  encodeOffsetCommitKey(k, 1, { group, topic, partition });
  if (o === null) return { key: k.toBuffer(), value: null };
  const version = o.expireTimestampMs !== null ? 1 : 3;
  const v = new Writer(48 + o.metadata.length);
  v.writeInt16(version);
  encodeOffsetCommitValue(v, version, {
    offset: BigInt(o.offset),
    leaderEpoch: o.leaderEpoch,
    metadata: o.metadata,
    commitTimestamp: BigInt(o.commitTimestampMs),
    expireTimestamp: BigInt(o.expireTimestampMs ?? -1),
  });
  return { key: k.toBuffer(), value: v.toBuffer() };
}

export function groupMetadataRecord(group: string, value: GroupMetadataValue | null): CoordinatorRecord {
  const k = new Writer(16 + group.length);
  k.writeInt16(2);
  encodeGroupMetadataKey(k, 2, { group });
  if (value === null) return { key: k.toBuffer(), value: null };
  const v = new Writer(256);
  v.writeInt16(3);
  encodeGroupMetadataValue(v, 3, value);
  return { key: k.toBuffer(), value: v.toBuffer() };
}

export function decodeGroupRecordKey(key: Buffer): GroupRecordKey {
  const r = new Reader(key);
  const version = r.readInt16();
  if (version === 0 || version === 1) {
    const k = decodeOffsetCommitKey(r, version);
    return { type: 'offset', group: k.group, topic: k.topic, partition: k.partition };
  }
  if (version === 2) return { type: 'group', group: decodeGroupMetadataKey(r, 2).group };
  return { type: 'other', version };
}

export function decodeOffsetValue(value: Buffer): OffsetAndMetadata {
  const r = new Reader(value);
  const version = Math.min(r.readInt16(), offsetCommitValueMeta.maxVersion);
  const v = decodeOffsetCommitValue(r, version);
  const expire = v.expireTimestamp ?? -1n;
  return {
    offset: Number(v.offset),
    leaderEpoch: v.leaderEpoch ?? -1,
    metadata: v.metadata,
    commitTimestampMs: Number(v.commitTimestamp),
    expireTimestampMs: expire >= 0n ? Number(expire) : null,
  };
}

export function decodeGroupValue(value: Buffer): GroupMetadataValue {
  const r = new Reader(value);
  const version = Math.min(r.readInt16(), groupMetadataValueMeta.maxVersion);
  return decodeGroupMetadataValue(r, version);
}

/** Java's String.hashCode over UTF-16 code units, as a signed 32-bit int. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's Utils.abs: Math.abs, except that Integer.MIN_VALUE (which has no positive) maps to 0. */
export function kafkaAbs(n: number): number {
  return n === -2147483648 ? 0 : Math.abs(n);
}

/** Kafka's GroupMetadataManager.partitionFor(groupId): Utils.abs(hashCode) % partitions. */
export function offsetsPartitionFor(groupId: string, numPartitions: number): number {
  return kafkaAbs(javaStringHashCode(groupId)) % numPartitions;
}
