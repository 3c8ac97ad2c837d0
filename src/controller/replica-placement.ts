/**
 * Where a new partition's replicas go. Without racks: round robin over the brokers, starting at a
 * partition-dependent broker. With racks (any broker has one; a broker without is a rack of its
 * own): Kafka's striping idea (StripedReplicaPlacer, and AdminUtils' rack-alternated list) made
 * deterministic — brokers are listed alternating racks (first of each rack, then second of each,
 * ...), partition p starts at position p of that list, and each next replica is the next broker
 * in the list on a rack the partition does not use yet, until every rack is used.
 *
 * Invariants: a partition's replicas are distinct; the first replica (the leader) rotates with the
 * partition; with at least rf racks no two replicas of a partition share a rack.
 */

/** Replica lists for partitions firstPartition.. firstPartition+count-1; rf <= brokerIds.length. */
export function placeReplicas(count: number, rf: number, brokerIds: readonly number[], firstPartition: number, racks?: ReadonlyMap<number, string | null>): number[][] {
  const rackAware = racks !== undefined && brokerIds.some((b) => (racks.get(b) ?? null) !== null);
  const order = rackAware ? rackAlternated(brokerIds, racks) : [...brokerIds];
  const rackOf = (b: number): string => (rackAware ? rackKey(b, racks) : `broker-${b}`);
  const out: number[][] = [];
  for (let i = 0; i < count; i++) out.push(placeOne(order, rf, firstPartition + i, rackOf));
  return out;
}

function placeOne(order: readonly number[], rf: number, partition: number, rackOf: (b: number) => string): number[] {
  const n = order.length;
  const allRacks = new Set(order.map(rackOf));
  const replicas: number[] = [];
  const usedRacks = new Set<string>();
  let pos = partition % n;
  while (replicas.length < rf) {
    if (usedRacks.size === allRacks.size) usedRacks.clear();
    // The next unused broker on an unused rack; each rack left has an unused broker, so this ends.
    for (let k = 0; k < n; k++, pos = (pos + 1) % n) {
      const b = order[pos] as number;
      if (replicas.includes(b) || usedRacks.has(rackOf(b))) continue;
      replicas.push(b);
      usedRacks.add(rackOf(b));
      break;
    }
    // Every broker on the racks not yet used is taken: start a new round of racks.
    if (replicas.length < rf && ![...order].some((b) => !replicas.includes(b) && !usedRacks.has(rackOf(b)))) usedRacks.clear();
  }
  return replicas;
}

function rackKey(b: number, racks: ReadonlyMap<number, string | null>): string {
  const rack = racks.get(b) ?? null;
  return rack === null ? `\u0000no-rack-${b}` : `rack:${rack}`;
}

/** Brokers alternating racks: racks in name order, brokers within a rack by id. */
function rackAlternated(brokerIds: readonly number[], racks: ReadonlyMap<number, string | null>): number[] {
  const byRack = new Map<string, number[]>();
  for (const b of [...brokerIds].sort((x, y) => x - y)) {
    const key = rackKey(b, racks);
    const list = byRack.get(key) ?? [];
    list.push(b);
    byRack.set(key, list);
  }
  const lists = [...byRack.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, l]) => l);
  const out: number[] = [];
  for (let i = 0; out.length < brokerIds.length; i++) for (const l of lists) if (i < l.length) out.push(l[i] as number);
  return out;
}
