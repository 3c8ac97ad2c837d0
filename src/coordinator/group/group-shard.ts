/**
 * The state of one `__consumer_offsets` partition: the groups whose id hashes to it, rebuilt by
 * replaying the partition (offset commits and their tombstones, group metadata and its tombstone).
 *
 * Committed offsets change only here. Live membership (who is joined, parked requests, timers) is
 * in memory as in Kafka's classic coordinator, and the GroupMetadata records written from it are
 * read back only when loading: a loaded group with members is Stable and its members must
 * heartbeat within their session timeout, one without members is Empty.
 *
 * Transactional offset commits (TxnOffsetCommit, KIP-98/447) are OffsetCommit records in a
 * transactional batch: they stay pending, per producer id, until that producer's transaction
 * marker is replayed; a COMMIT applies each one unless a plain commit of the same partition was
 * written after it (Kafka compares the records' log offsets), an ABORT drops them.
 */
import type { CoordinatorRecord, CoordinatorState } from '../runtime.js';
import { ClassicGroup, Member } from './classic-group.js';
import { decodeGroupRecordKey, decodeGroupValue, decodeOffsetValue, type OffsetAndMetadata } from './records.js';

export interface PendingTxnOffset {
  group: string;
  topic: string;
  partition: number;
  offset: OffsetAndMetadata;
  /** Log offset of the record. */
  recordOffset: number;
}

const slot = (group: string, topic: string, partition: number): string => `${group}\0${topic}\0${partition}`;

export class GroupShardState implements CoordinatorState {
  readonly groups = new Map<string, ClassicGroup>();
  /** Producer id -> its open transaction's offset commits, by group/topic/partition slot. */
  readonly pendingTxnOffsets = new Map<bigint, Map<string, PendingTxnOffset>>();
  /** Log offset of the record behind each committed offset, by slot. */
  private readonly commitRecordOffsets = new Map<string, number>();
  private loading = true;

  constructor(
    private readonly nowMs: () => number,
    /** A group was removed by a replayed tombstone (delete, expiry): stop its timers. */
    private readonly onGroupRemoved: (group: ClassicGroup) => void,
    /** Loading finished: the loaded groups with members need session timers. */
    private readonly onLoaded: (groups: readonly ClassicGroup[]) => void,
  ) {}

  getOrCreate(groupId: string): ClassicGroup {
    let g = this.groups.get(groupId);
    if (g === undefined) this.groups.set(groupId, (g = new ClassicGroup(groupId, this.nowMs())));
    return g;
  }

  replay(record: CoordinatorRecord, offset: number, timestampMs: number, producerId = -1n): void {
    const key = decodeGroupRecordKey(record.key);
    if (key.type === 'offset') {
      if (producerId >= 0n) {
        if (record.value === null) return;
        let pending = this.pendingTxnOffsets.get(producerId);
        if (pending === undefined) this.pendingTxnOffsets.set(producerId, (pending = new Map()));
        pending.set(slot(key.group, key.topic, key.partition), { group: key.group, topic: key.topic, partition: key.partition, offset: decodeOffsetValue(record.value), recordOffset: offset });
        return;
      }
      this.commitRecordOffsets.set(slot(key.group, key.topic, key.partition), offset);
      if (record.value === null) {
        const g = this.groups.get(key.group);
        const parts = g?.offsets.get(key.topic);
        parts?.delete(key.partition);
        if (parts !== undefined && parts.size === 0) g?.offsets.delete(key.topic);
        return;
      }
      const g = this.getOrCreate(key.group);
      let parts = g.offsets.get(key.topic);
      if (parts === undefined) g.offsets.set(key.topic, (parts = new Map()));
      parts.set(key.partition, decodeOffsetValue(record.value));
    } else if (key.type === 'group') {
      if (record.value === null) {
        const g = this.groups.get(key.group);
        if (g === undefined) return;
        this.groups.delete(key.group);
        if (!this.loading) {
          g.state = 'Dead';
          this.onGroupRemoved(g);
        }
        return;
      }
      if (this.loading) this.loadGroup(key.group, record.value, timestampMs);
    }
  }

  replayEndTxn(producerId: bigint, commit: boolean): void {
    const pending = this.pendingTxnOffsets.get(producerId);
    if (pending === undefined) return;
    this.pendingTxnOffsets.delete(producerId);
    if (!commit) return;
    for (const [k, p] of pending) {
      const existing = this.commitRecordOffsets.get(k);
      if (existing !== undefined && existing > p.recordOffset) continue;
      this.commitRecordOffsets.set(k, p.recordOffset);
      const g = this.getOrCreate(p.group);
      let parts = g.offsets.get(p.topic);
      if (parts === undefined) g.offsets.set(p.topic, (parts = new Map()));
      parts.set(p.partition, p.offset);
    }
  }

  /** Whether an open transaction has an offset commit pending for this partition (require_stable). */
  hasPendingTxnOffset(group: string, topic: string, partition: number): boolean {
    const k = slot(group, topic, partition);
    for (const pending of this.pendingTxnOffsets.values()) if (pending.has(k)) return true;
    return false;
  }

  private loadGroup(groupId: string, value: Buffer, timestampMs: number): void {
    const v = decodeGroupValue(value);
    const g = this.getOrCreate(groupId);
    g.members.clear();
    g.staticMembers.clear();
    g.generationId = v.generation;
    g.protocolType = v.protocolType === '' ? null : v.protocolType;
    g.protocolName = v.protocol === '' ? null : v.protocol;
    g.leaderId = v.leader === '' ? null : v.leader;
    const ts = v.currentStateTimestamp ?? -1n;
    g.stateTimestampMs = ts >= 0n ? Number(ts) : timestampMs;
    for (const m of v.members) {
      const protocols = g.protocolName === null ? [] : [{ name: g.protocolName, metadata: m.subscription }];
      const member = new Member(m.memberId, m.groupInstanceId ?? null, m.clientId, m.clientHost, m.rebalanceTimeout !== undefined && m.rebalanceTimeout >= 0 ? m.rebalanceTimeout : m.sessionTimeout, m.sessionTimeout, v.protocolType, protocols);
      member.assignment = m.assignment;
      g.members.set(member.memberId, member);
      if (member.groupInstanceId !== null) g.staticMembers.set(member.groupInstanceId, member.memberId);
    }
    g.state = g.members.size > 0 ? 'Stable' : 'Empty';
  }

  loaded(): void {
    this.loading = false;
    this.onLoaded([...this.groups.values()].filter((g) => g.members.size > 0));
  }
}
