/**
 * A controller for tests of ClusterControl: commands run one at a time against a MetadataImage,
 * and each record goes through the metadata log's byte encoding before it is replayed (as the real
 * log stores and replicates it), at consecutive offsets. Helpers build topics and live brokers.
 */
import { ClusterControl } from '../controller/cluster-control.js';
import type { ControllerCommand } from '../controller/controller.js';
import { MetadataImage } from '../metadata/metadata-image.js';
import { decodeMetadataRecord, encodeMetadataRecord, type MetadataRecord } from '../metadata/metadata-record.js';
import type { BrokerRegistrationRequest } from '../protocol/generated/messages/broker-registration-request.js';

export const SESSION_TIMEOUT_MS = 9000;

export class ClusterHarness {
  readonly image = new MetadataImage();
  /** Every record the commands wrote, in order. */
  readonly written: MetadataRecord[] = [];
  readonly control: ClusterControl;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly unclean = new Set<string>();

  constructor(sessionTimeoutMs = SESSION_TIMEOUT_MS) {
    this.control = new ClusterControl({ run: (cmd) => this.run(cmd), image: this.image, sessionTimeoutMs, uncleanLeaderElection: (t) => this.unclean.has(t) });
  }

  run<T>(command: ControllerCommand<T>): Promise<T> {
    const result = this.queue.then(() => {
      const { records, response } = command(this.image);
      this.apply(records);
      return response;
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  apply(records: readonly MetadataRecord[]): void {
    for (const r of records) {
      this.written.push(r);
      this.image.replay(decodeMetadataRecord(encodeMetadataRecord(r)), this.image.lastOffset + 1);
    }
  }

  enableUncleanElection(topic: string): void {
    this.unclean.add(topic);
  }

  /** A topic with the given replica lists; each partition's ISR is its replicas, led by the first. */
  createTopic(name: string, replicaLists: readonly (readonly number[])[]): string {
    const topicId = Buffer.alloc(16, this.image.topicsById.size + 1).toString('base64url');
    this.apply([
      { type: 'topic', version: 0, data: { name, topicId } },
      ...replicaLists.map((replicas, partitionId): MetadataRecord => ({
        type: 'partition',
        version: 0,
        data: { partitionId, topicId, replicas: [...replicas], isr: [...replicas], removingReplicas: [], addingReplicas: [], leader: replicas[0] ?? -1, leaderRecoveryState: 0, leaderEpoch: 0, partitionEpoch: 0 },
      })),
    ]);
    return topicId;
  }

  partition(topic: string, partition: number): { leader: number; isr: number[]; leaderEpoch: number; partitionEpoch: number; leaderRecoveryState: number; replicas: number[] } {
    const p = this.image.topicsByName.get(topic)?.partitions.get(partition);
    if (p === undefined) throw new Error(`no partition ${topic}-${partition}`);
    return { leader: p.leader, isr: [...p.isr], leaderEpoch: p.leaderEpoch, partitionEpoch: p.partitionEpoch, leaderRecoveryState: p.leaderRecoveryState, replicas: [...p.replicas] };
  }

  /** Registers the broker and heartbeats it caught up; returns its epoch. */
  async liveBroker(id: number, nowMs: number, rack: string | null = null): Promise<bigint> {
    const reg = await this.control.registerBroker(registration(id, rack), nowMs);
    if (reg.errorCode !== 0) throw new Error(`registration of ${id} failed: ${reg.errorCode}`);
    const hb = await this.heartbeat(id, reg.brokerEpoch, nowMs);
    if (hb.isFenced) throw new Error(`broker ${id} stayed fenced`);
    return reg.brokerEpoch;
  }

  /** A heartbeat from a broker caught up with the whole log. */
  heartbeat(id: number, brokerEpoch: bigint, nowMs: number, want: { wantFence?: boolean; wantShutDown?: boolean } = {}) {
    return this.control.heartbeat(
      { brokerId: id, brokerEpoch, currentMetadataOffset: BigInt(this.image.lastOffset), wantFence: want.wantFence ?? false, wantShutDown: want.wantShutDown ?? false, offlineLogDirs: [] },
      nowMs,
    );
  }
}

export function incarnation(id: number, generation = 0): string {
  return Buffer.alloc(16, id * 16 + generation + 1).toString('base64url');
}

export function registration(id: number, rack: string | null = null, generation = 0): BrokerRegistrationRequest {
  return {
    brokerId: id,
    clusterId: 'test-cluster',
    incarnationId: incarnation(id, generation),
    listeners: [{ name: 'PLAINTEXT', host: 'localhost', port: 9090 + id, securityProtocol: 0 }],
    features: [],
    rack,
    isMigratingZkBroker: false,
    logDirs: [],
    previousBrokerEpoch: -1n,
  };
}
