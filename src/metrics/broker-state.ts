/**
 * What the gauges read, handed in by the assembler (src/node.ts) as one callback, so metrics/
 * imports nothing of partition/, coordinator/ or metadata/. Taken once per scrape.
 */

/** One partition replica hosted on this node. */
export interface HostedPartition {
  readonly topic: string;
  readonly partition: number;
  readonly isLeader: boolean;
  readonly logSizeBytes: number;
  readonly logStartOffset: number;
  /** The high watermark: what a consumer can read, kafka_exporter's "current offset". */
  readonly highWatermark: number;
  readonly replicas: number;
  readonly isr: number;
  /** The topic's min.insync.replicas. */
  readonly minIsr: number;
}

/** One partition as the cluster metadata has it. */
export interface ClusterPartition {
  readonly topic: string;
  readonly partition: number;
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

export interface GroupOffsets {
  readonly groupId: string;
  readonly members: number;
  readonly offsets: readonly { readonly topic: string; readonly partition: number; readonly offset: number }[];
}

/** The metadata quorum as this node sees it (Kafka's raft-metrics). */
export interface RaftState {
  /** Kafka's current-state: leader, follower, candidate, prospective, voted, unattached, resigned. */
  readonly state: string;
  readonly leaderId: number;
  readonly epoch: number;
  readonly votedId: number;
  /** -1 while unknown. */
  readonly highWatermark: number;
  readonly logEndOffset: number;
  readonly logEndEpoch: number;
}

export interface BrokerState {
  readonly nodeId: number;
  /** Brokers in the cluster: id and the address clients use (kafka_exporter's kafka_broker_info). */
  readonly brokers: readonly { readonly id: number; readonly address: string }[];
  readonly isActiveController: boolean;
  readonly partitions: readonly ClusterPartition[];
  readonly hosted: readonly HostedPartition[];
  /** Replicas the metadata assigns here that this node does not host (Kafka: offline log dir). */
  readonly offlineReplicas: number;
  /** Open client connections by listener name. */
  readonly connections: ReadonlyMap<string, number>;
  /** The groups this node coordinates, with their committed offsets. */
  readonly groups: readonly GroupOffsets[];
  /** Absent when this node is not a controller (no metadata quorum here). */
  readonly raft?: RaftState;
  /** The replication throttles' measured byte rates (KIP-73); absent when not wired. */
  readonly replicationByteRates?: { readonly leader: number; readonly follower: number };
}
