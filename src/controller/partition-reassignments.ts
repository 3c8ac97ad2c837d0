/**
 * Partition reassignments as the controller reports them (Kafka's
 * ReplicationControlManager.listPartitionReassignments): the partitions with adding or removing
 * replicas, with their full replica list. Asked for every topic (null), every ongoing
 * reassignment; asked for named partitions, those of them reassigning, unknown topics and
 * partitions left out as Kafka leaves them out.
 *
 * Starting, completing and cancelling reassignments (AlterPartitionReassignments) is not here yet:
 * until it is, no partition has adding or removing replicas and the list is empty.
 */
import type { MetadataImage, PartitionImage } from '../metadata/metadata-image.js';
import type { ControllerResult } from './controller.js';

export interface OngoingReassignment {
  topic: string;
  partition: number;
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

export function isReassigning(p: PartitionImage): boolean {
  return p.addingReplicas.length > 0 || p.removingReplicas.length > 0;
}

/** A read run in the controller's queue (it sees every earlier command), writing nothing. */
export function listReassignmentsCommand(requested: readonly { topic: string; partitions: readonly number[] }[] | null) {
  return (image: MetadataImage): ControllerResult<OngoingReassignment[]> => {
    const targets = requested ?? [...image.topicsByName.values()].map((t) => ({ topic: t.name, partitions: [...t.partitions.keys()] }));
    const out: OngoingReassignment[] = [];
    for (const t of targets) {
      const topic = image.topicsByName.get(t.topic);
      for (const id of topic === undefined ? [] : t.partitions) {
        const p = topic?.partitions.get(id);
        if (p === undefined || !isReassigning(p)) continue;
        out.push({ topic: t.topic, partition: id, replicas: [...p.replicas], addingReplicas: [...p.addingReplicas], removingReplicas: [...p.removingReplicas] });
      }
    }
    return { records: [], response: out };
  };
}
