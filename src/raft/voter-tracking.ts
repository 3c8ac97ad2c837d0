/**
 * Every change to the log's shape goes through here, so the voter set in force follows the log
 * (KIP-853): an appended VotersRecord takes effect at once (before it commits), a truncation that
 * removes one restores the earlier set, a snapshot carries its set. With kraft.version 0 the log
 * holds no VotersRecord and the static voters never change.
 *
 * A node the new set adds stops being an observer (its next fetch timeout starts an election); a
 * node it removes becomes one. On the leader, the per-voter progress follows the set: an added
 * voter keeps the progress it had as an observer, a removed one is tracked as an observer.
 */
import { refreshObserver, type CoreContext } from './core-context.js';
import type { Entry, NodeId, OffsetAndEpoch } from './types.js';

export function appendToLog(c: CoreContext, entries: readonly Entry[]): void {
  c.log.append(entries);
  let changed = false;
  for (const e of entries) {
    if (e.control !== 'voters' || e.voters === undefined) continue;
    c.history.append({ offset: e.offset, voters: e.voters });
    changed = true;
  }
  c.out.push({ kind: 'append', entries });
  if (changed) refreshVoters(c);
}

export function truncateLog(c: CoreContext, endOffset: number): void {
  c.log.truncateTo(endOffset);
  c.out.push({ kind: 'truncate', endOffset });
  const before = c.history.latestOffset();
  c.history.truncateTo(endOffset);
  if (c.history.latestOffset() !== before) refreshVoters(c);
}

/** A local snapshot covers the log before `id`: the prefix goes, its voter set becomes the base. */
export function deleteLogBefore(c: CoreContext, id: OffsetAndEpoch): void {
  c.log.deleteBefore(id);
  c.history.deleteBefore(id.endOffset);
  c.out.push({ kind: 'deleteBefore', snapshotId: id });
}

/** A fetched snapshot replaces the log; with kraft.version 1 its voter set is read on the next step. */
export function installSnapshotLog(c: CoreContext, id: OffsetAndEpoch): void {
  c.out.push({ kind: 'installSnapshot', snapshotId: id });
  c.log.installSnapshot(id);
  if (c.history.kraftVersion === 1) c.pendingSnapshotVoters = id;
}

/** Called at the start of each step: the driver has installed the snapshot by now. */
export function resolveSnapshotVoters(c: CoreContext): void {
  const id = c.pendingSnapshotVoters;
  if (id === undefined) return;
  c.pendingSnapshotVoters = undefined;
  if (c.log.snapshotId?.endOffset !== id.endOffset || c.log.snapshotId.epoch !== id.epoch) return;
  const voters = c.reader.snapshotVoters?.(id);
  if (voters === undefined) throw new Error(`raft: installed snapshot ${id.endOffset}-${id.epoch} holds no VotersRecord (kraft.version 1)`);
  c.history.install(voters);
  refreshVoters(c);
}

/** Re-reads the voter set in force; moves the leader's per-replica progress along with it. */
export function refreshVoters(c: CoreContext): void {
  const next = c.history.latest().map((v) => v.id);
  c.voters = next;
  refreshObserver(c);
  if (c.role.kind !== 'leader') return;
  // Check-quorum counts fetches from the voters in force: a leader that was its only voter has
  // heard from nobody, so a changed set gets a fresh check-quorum window (as Kafka's, whose
  // timer does not run for a lone voter) instead of resigning on the next tick.
  c.role.checkQuorumDeadlineMs = Math.max(c.role.checkQuorumDeadlineMs, c.nowMs + Math.floor(c.config.fetchTimeoutMs * 1.5));
  const { progress, observers, beginPending } = c.role;
  for (const id of next) {
    if (progress.has(id)) continue;
    progress.set(id, observers.get(id) ?? { endOffset: -1, lastFetchMs: -1, lastCaughtUpMs: -1 });
    observers.delete(id);
  }
  for (const [id, p] of [...progress]) {
    if (next.includes(id)) continue;
    progress.delete(id);
    beginPending.delete(id);
    if (id !== c.localId && p.lastFetchMs >= 0) observers.set(id, p);
  }
}

/** Whom an observer asks for the leader: its bootstrap servers and the voters it knows. */
export function discoveryTargets(c: CoreContext): NodeId[] {
  const out = [...c.bootstrap];
  for (const v of c.voters) if (!out.includes(v)) out.push(v);
  return out.filter((id) => id !== c.localId);
}
