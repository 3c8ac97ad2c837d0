/**
 * Kafka's ReplicaFetcherManager: the follower partitions of this broker grouped by the broker
 * they follow, one running ReplicaFetcher per leader broker. Metadata wiring calls follow() after
 * Partition.becomeFollower (a new leader or epoch) and unfollow() after becomeLeader or removal;
 * a fetcher left without partitions is stopped.
 *
 * Invariant: a partition is in at most one fetcher, the one of the leader it follows now.
 */
import type { Partition } from '../partition/partition.js';
import { ReplicaFetcher, type ReplicaFetcherSettings } from './replica-fetcher.js';

export class ReplicaFetcherManager {
  private readonly fetchers = new Map<number, ReplicaFetcher>();
  /** The leader each followed partition is fetched from, by `topic-partition`. */
  private readonly following = new Map<string, number>();
  private stopped = false;

  constructor(private readonly settings: ReplicaFetcherSettings) {}

  /** Fetches `p` from the leader it now follows (after becomeFollower), leaving any previous fetcher. */
  async follow(p: Partition): Promise<void> {
    await this.unfollow(p);
    // Stopped (the node is shutting down): a late metadata change starts no fetcher.
    if (this.stopped) return;
    const leaderId = p.leaderId;
    let f = this.fetchers.get(leaderId);
    if (f === undefined) {
      f = new ReplicaFetcher(leaderId, this.settings);
      this.fetchers.set(leaderId, f);
      f.start();
    }
    f.addPartition(p);
    this.following.set(key(p), leaderId);
  }

  /** Stops fetching `p` (it leads now, or is gone). */
  async unfollow(p: Partition): Promise<void> {
    const leaderId = this.following.get(key(p));
    if (leaderId === undefined) return;
    this.following.delete(key(p));
    const f = this.fetchers.get(leaderId);
    if (f === undefined) return;
    await f.removePartition(p);
    if (f.partitionCount === 0) {
      this.fetchers.delete(leaderId);
      await f.stop();
    }
  }

  /** The brokers fetched from now (tests, describe). */
  leaders(): number[] {
    return [...this.fetchers.keys()];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.fetchers.values()];
    this.fetchers.clear();
    this.following.clear();
    for (const f of all) await f.stop();
  }
}

const key = (p: Partition): string => `${p.topic}-${p.partitionId}`;
