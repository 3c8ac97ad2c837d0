/**
 * KIP-853's voter set, read from the log (Kafka's VoterSet, LogHistory and
 * KRaftControlRecordStateMachine). With kraft.version 0 the voters are the static
 * controller.quorum.voters and never change. With kraft.version 1 they come from VotersRecord
 * control records: the bootstrap checkpoint (or the latest snapshot) holds the base set, and every
 * VotersRecord appended to the log replaces it from its offset on. The set in force is the latest
 * one in the log, committed or not (Raft's single-server membership change): a truncation that
 * removes a VotersRecord restores the set before it.
 *
 * Voters are Kafka's ReplicaKeys: a node id and the directory id of its metadata log directory
 * (a base64 Uuid; '' for none), so a voter whose disk was replaced is a different replica.
 */
import { invariant, type NodeId, type ReplicaKey } from './types.js';

export type { ReplicaKey };

/** kraft.version: 0 static voters (controller.quorum.voters), 1 voters in the log (KIP-853). */
export type KRaftVersion = 0 | 1;

export interface VotersChange {
  /** The offset of the VotersRecord entry. */
  readonly offset: number;
  readonly voters: readonly ReplicaKey[];
}

export function sameKey(a: ReplicaKey, b: ReplicaKey): boolean {
  return a.id === b.id && a.directoryId === b.directoryId;
}

export function checkVoterSet(voters: readonly ReplicaKey[]): void {
  if (new Set(voters.map((v) => v.id)).size !== voters.length) throw new Error(`raft: duplicate voter ids in ${voters.map((v) => v.id).join(',')}`);
}

/** The voter set by offset: a base (static or snapshot) and the VotersRecords after it. */
export class VoterSetHistory {
  private changes: VotersChange[];

  constructor(
    private base: readonly ReplicaKey[],
    readonly kraftVersion: KRaftVersion,
    changes: readonly VotersChange[] = [],
  ) {
    invariant(kraftVersion === 1 || changes.length === 0, () => 'a VotersRecord in a kraft.version 0 log');
    checkVoterSet(base);
    for (const ch of changes) checkVoterSet(ch.voters);
    this.changes = [...changes];
  }

  /** The voter set in force: the latest VotersRecord in the log, committed or not. */
  latest(): readonly ReplicaKey[] {
    return this.changes.at(-1)?.voters ?? this.base;
  }

  /** The latest VotersRecord's offset (undefined: the set is the base one). */
  latestOffset(): number | undefined {
    return this.changes.at(-1)?.offset;
  }

  /** The set in force for the entry at `offset` (the last change at or before it). */
  at(offset: number): readonly ReplicaKey[] {
    for (let i = this.changes.length - 1; i >= 0; i--) {
      const ch = this.changes[i];
      if (ch !== undefined && ch.offset <= offset) return ch.voters;
    }
    return this.base;
  }

  /** Is `id` a voter of the set in force at `offset`, or of any later one in the log? */
  votesFrom(id: NodeId, offset: number): boolean {
    if (this.at(offset).some((v) => v.id === id)) return true;
    return this.changes.some((ch) => ch.offset > offset && ch.voters.some((v) => v.id === id));
  }

  /** A VotersRecord was appended at `offset`. */
  append(change: VotersChange): void {
    invariant(this.kraftVersion === 1, () => `VotersRecord at ${change.offset} with kraft.version 0`);
    const last = this.changes.at(-1);
    invariant(last === undefined || last.offset < change.offset, () => `VotersRecord at ${change.offset} after one at ${last?.offset}`);
    checkVoterSet(change.voters);
    this.changes.push(change);
  }

  /** The log now ends at `endOffset`: VotersRecords at or after it are gone (the earlier set is back). */
  truncateTo(endOffset: number): void {
    this.changes = this.changes.filter((ch) => ch.offset < endOffset);
  }

  /** A snapshot now covers [0, endOffset): its voter set (the one in force at endOffset - 1) is the base. */
  deleteBefore(endOffset: number): void {
    this.base = this.at(endOffset - 1);
    this.changes = this.changes.filter((ch) => ch.offset >= endOffset);
  }

  /** A fetched snapshot replaced the whole log; `voters` is the set it holds. */
  install(voters: readonly ReplicaKey[]): void {
    checkVoterSet(voters);
    this.base = voters;
    this.changes = [];
  }
}
