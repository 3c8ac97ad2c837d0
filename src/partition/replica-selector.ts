/**
 * Fetch from follower (KIP-392): which replica a consumer should read a partition from, decided by
 * the partition's leader and sent back as a Fetch response's preferred_read_replica.
 *
 * Kafka's ReplicaManager.findPreferredReadReplica and its two selectors (replica.selector.class):
 * LeaderSelector always keeps the consumer on the leader; RackAwareReplicaSelector picks, among
 * the replicas in the client's rack (client.rack, Fetch v11 rack_id), the leader when it is one
 * of them, else the most caught-up one (largest LEO, then most recently caught up, then the
 * smallest broker id); no rack, or none in that rack: the leader.
 *
 * Candidates are the leader and the followers that can serve the fetch offset now: in the ISR (a
 * lagging follower would keep the consumer behind), holding the offset (log start <= offset <=
 * LEO), and registered and unfenced (a broker the client can reach). The leader is never sent as
 * the preferred replica: "none" means read here.
 */
import type { ReplicaSelectorKind } from '../config/index.js';
import type { LeaderRole } from './leader-role.js';

/** Kafka's ReplicaView: a replica as the selector sees it. */
export interface ReplicaView {
  readonly brokerId: number;
  readonly rack: string | null;
  readonly logEndOffset: number;
  readonly timeSinceLastCaughtUpMs: number;
}

/** Kafka's ReplicaSelector.select: the replica to read from, among `replicas` (which include `leader`). */
export function selectReplica(kind: ReplicaSelectorKind, clientRack: string, replicas: readonly ReplicaView[], leader: ReplicaView): ReplicaView {
  if (kind === 'leader' || clientRack === '') return leader;
  const sameRack = replicas.filter((r) => r.rack === clientRack);
  if (sameRack.length === 0 || sameRack.some((r) => r.brokerId === leader.brokerId)) return leader;
  return sameRack.reduce((best, r) => (compareCaughtUp(r, best) > 0 ? r : best));
}

/** Kafka's ReplicaView.comparator: LEO, then less time since caught up, then broker id. */
function compareCaughtUp(a: ReplicaView, b: ReplicaView): number {
  if (a.logEndOffset !== b.logEndOffset) return a.logEndOffset - b.logEndOffset;
  if (a.timeSinceLastCaughtUpMs !== b.timeSinceLastCaughtUpMs) return b.timeSinceLastCaughtUpMs - a.timeSinceLastCaughtUpMs;
  return a.brokerId - b.brokerId;
}

/** A registered broker's rack; undefined when it is not registered or fenced (not reachable). */
export type BrokerRackLookup = (brokerId: number) => { rack: string | null } | undefined;

/** What the leader selects with for one fetch request: the selector, the client's rack, the brokers. */
export interface ReplicaSelection {
  readonly selector: ReplicaSelectorKind;
  readonly clientRack: string;
  readonly nowMs: number;
  readonly brokers: BrokerRackLookup;
}

/**
 * Kafka's findPreferredReadReplica on a leader: the follower to send the consumer to, or null when
 * it should read from the leader.
 */
export function preferredReadReplica(leadership: LeaderRole, leaderId: number, leaderLogEndOffset: number, fetchOffset: number, q: ReplicaSelection): number | null {
  const leaderBroker = q.brokers(leaderId);
  const leader: ReplicaView = { brokerId: leaderId, rack: leaderBroker?.rack ?? null, logEndOffset: leaderLogEndOffset, timeSinceLastCaughtUpMs: 0 };
  const views: ReplicaView[] = [leader];
  for (const id of leadership.isr) {
    if (id === leaderId) continue;
    const f = leadership.follower(id);
    const broker = q.brokers(id);
    if (f === undefined || broker === undefined) continue;
    if (f.logEndOffset < fetchOffset || f.logStartOffset > fetchOffset) continue;
    views.push({ brokerId: id, rack: broker.rack, logEndOffset: f.logEndOffset, timeSinceLastCaughtUpMs: q.nowMs - f.lastCaughtUpTimeMs });
  }
  const chosen = selectReplica(q.selector, q.clientRack, views, leader);
  return chosen.brokerId === leaderId ? null : chosen.brokerId;
}
