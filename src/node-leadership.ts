/**
 * What follows a hosted replica's role as the metadata moves it (Kafka's ReplicaManager
 * applyDelta and the coordinators' onElection/onResignation):
 * - a replica reassigned away stops fetching and resigns, then its log is deleted;
 * - a follower fetches from its leader (a new leader or epoch restarts its fetcher; leader -1:
 *   it fetches from no one until one is elected), a leader stops fetching;
 * - the group and transaction coordinators host the `__consumer_offsets` /
 *   `__transaction_state` partitions this node leads (loading them at the new epoch) and resign
 *   those it stopped leading.
 */
import type { Logger } from './util/logger.js';
import type { RoleChange } from './partition/replica-manager.js';
import type { Partition } from './partition/partition.js';
import type { ReplicaFetcherManager } from './replication/fetcher-manager.js';
import type { GroupCoordinator } from './coordinator/group/group-coordinator.js';
import type { TxnCoordinator } from './coordinator/txn/txn-coordinator.js';
import { OFFSETS_TOPIC } from './coordinator/group/records.js';
import { TRANSACTION_STATE_TOPIC } from './coordinator/txn/records.js';
import { partitionCoordinatorLog } from './coordinator/runtime.js';

export interface LeadershipFollowers {
  /** null on a node alone in its quorum: every replica leads, nothing is fetched. */
  readonly fetchers: ReplicaFetcherManager | null;
  readonly groups: GroupCoordinator;
  readonly txns: TxnCoordinator;
  readonly log: Logger;
}

export async function followRole(role: RoleChange, f: LeadershipFollowers): Promise<void> {
  const p = role.partition;
  if (role.kind === 'removed') {
    // Reassigned away: no fetch may append into the log while it is deleted.
    await forgetReplicas([p], f);
    await role.deleteLog();
    return;
  }
  if (role.kind === 'leader') {
    await f.fetchers?.unfollow(p);
    if (role.isNewEpoch) hostCoordinator(p, role.leaderEpoch, f);
    return;
  }
  resignCoordinator(p, f);
  if (!role.isNewLeader || f.fetchers === null) return;
  await f.fetchers.unfollow(p);
  if (role.leaderId >= 0) await f.fetchers.follow(p);
}

/** A removed topic's replicas stop being fetched (their logs are deleted next). */
export async function forgetReplicas(parts: Iterable<Partition>, f: LeadershipFollowers): Promise<void> {
  for (const p of parts) {
    await f.fetchers?.unfollow(p);
    resignCoordinator(p, f);
  }
}

function hostCoordinator(p: Partition, leaderEpoch: number, f: LeadershipFollowers): void {
  if (p.topic === OFFSETS_TOPIC) f.groups.hostPartition(p.partitionId, partitionCoordinatorLog(p), leaderEpoch);
  else if (p.topic === TRANSACTION_STATE_TOPIC) f.txns.hostPartition(p.partitionId, partitionCoordinatorLog(p), leaderEpoch);
}

function resignCoordinator(p: Partition, f: LeadershipFollowers): void {
  if (p.topic === OFFSETS_TOPIC) f.groups.resignPartition(p.partitionId);
  else if (p.topic === TRANSACTION_STATE_TOPIC) f.txns.resignPartition(p.partitionId);
}
