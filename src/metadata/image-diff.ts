/**
 * What changed between two images, as the changes replaying records would have reported: how a
 * node that loads a snapshot over its image (a follower too far behind its leader's log) tells the
 * parts of the broker that act on changes (local logs, roles, coordinators) what is different,
 * as Kafka's MetadataLoader publishes a snapshot as one delta against the previous image.
 *
 * Order: removed topics first (a topic deleted and re-created under its name is a removal, then
 * additions), then partitions added or changed, brokers, configs.
 */
import type { MetadataChange, MetadataImage, PartitionImage } from './metadata-image.js';

function samePartition(a: PartitionImage, b: PartitionImage): boolean {
  const same = (x: readonly number[], y: readonly number[]): boolean => x.length === y.length && x.every((v, i) => v === y[i]);
  return a.leader === b.leader && a.leaderEpoch === b.leaderEpoch && a.partitionEpoch === b.partitionEpoch && a.leaderRecoveryState === b.leaderRecoveryState && same(a.replicas, b.replicas) && same(a.isr, b.isr);
}

function configsByResource(image: MetadataImage): Map<string, { resourceType: number; resourceName: string; values: string }> {
  const out = new Map<string, { resourceType: number; resourceName: string; values: string[] }>();
  for (const c of image.configEntries()) {
    const key = `${c.resourceType}\u0000${c.resourceName}`;
    let r = out.get(key);
    if (r === undefined) out.set(key, (r = { resourceType: c.resourceType, resourceName: c.resourceName, values: [] }));
    r.values.push(`${c.name}=${c.value}`);
  }
  return new Map([...out].map(([k, r]) => [k, { resourceType: r.resourceType, resourceName: r.resourceName, values: r.values.sort().join('\n') }]));
}

export function imageChanges(before: MetadataImage, after: MetadataImage): MetadataChange[] {
  const out: MetadataChange[] = [];
  for (const [id, topic] of before.topicsById) if (!after.topicsById.has(id)) out.push({ kind: 'topicRemoved', topic });
  for (const [id, topic] of after.topicsById) {
    const old = before.topicsById.get(id);
    for (const partition of topic.partitions.values()) {
      const was = old?.partitions.get(partition.partitionId);
      if (was === undefined) out.push({ kind: 'partitionAdded', topic, partition });
      else if (!samePartition(was, partition)) out.push({ kind: 'partitionChanged', topic, partition });
    }
  }
  for (const id of new Set([...before.brokers.keys(), ...after.brokers.keys()])) {
    const a = before.brokers.get(id);
    const b = after.brokers.get(id);
    const key = (x: typeof a): string => (x === undefined ? '' : JSON.stringify({ ...x, epoch: String(x.epoch), registerOffset: 0 }));
    if (key(a) !== key(b)) out.push({ kind: 'brokerChanged', brokerId: id });
  }
  const ca = configsByResource(before);
  const cb = configsByResource(after);
  for (const k of new Set([...ca.keys(), ...cb.keys()])) {
    const a = ca.get(k);
    const b = cb.get(k);
    const r = (a ?? b) as { resourceType: number; resourceName: string };
    if (a?.values !== b?.values) out.push({ kind: 'configChanged', resourceType: r.resourceType, resourceName: r.resourceName });
  }
  return out;
}
