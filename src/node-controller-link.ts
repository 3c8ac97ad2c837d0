/**
 * How this node's broker side asks the active controller: locally when this node is it (no
 * network, the same commands), else through the controller channel with Kafka's requests
 * (BrokerRegistration, BrokerHeartbeat, AlterPartition, AllocateProducerIds, CreateTopics), as a
 * Kafka broker's NodeToControllerChannelManager does. A node alone in its quorum has no channel.
 */
import type { Clock } from './io/clock.js';
import { apiCall } from './client/connection.js';
import type { ControllerChannel } from './cluster/controller-channel.js';
import { NotControllerError, type Controller } from './controller/controller.js';
import type { ClusterControl } from './controller/cluster-control.js';
import { allocateProducerIdsCommand, type ProducerIdBlock } from './controller/producer-id-control.js';
import { createTopicsCommand, type CreateTopicSpec, type TopicDefaults, type TopicOutcome } from './controller/topic-control.js';
import { ErrorCode } from './protocol/generated/error-codes.js';
import * as reg from './protocol/generated/messages/broker-registration-request.js';
import * as regResp from './protocol/generated/messages/broker-registration-response.js';
import * as hb from './protocol/generated/messages/broker-heartbeat-request.js';
import * as hbResp from './protocol/generated/messages/broker-heartbeat-response.js';
import * as ap from './protocol/generated/messages/alter-partition-request.js';
import * as apResp from './protocol/generated/messages/alter-partition-response.js';
import * as pid from './protocol/generated/messages/allocate-producer-ids-request.js';
import * as pidResp from './protocol/generated/messages/allocate-producer-ids-response.js';
import * as ct from './protocol/generated/messages/create-topics-request.js';
import * as ctResp from './protocol/generated/messages/create-topics-response.js';
import type { LifecycleLink } from './node-lifecycle.js';

/** AlterPartition v3 carries each ISR member's broker epoch (KIP-903); we send -1 (not checked). */
const ALTER_PARTITION_VERSION = 3;

export interface ControllerLinkOptions {
  readonly nodeId: number;
  readonly controller: Controller;
  readonly control: ClusterControl;
  /** null when the node is alone in its quorum (it is always the controller then). */
  readonly channel: ControllerChannel | null;
  readonly clock: Clock;
  /** This broker's epoch from its registration (-1 before). */
  readonly brokerEpoch: () => bigint;
}

export class ControllerLink implements LifecycleLink {
  constructor(private readonly o: ControllerLinkOptions) {}

  registerBroker(req: reg.BrokerRegistrationRequest): Promise<regResp.BrokerRegistrationResponse> {
    return this.via(
      () => this.o.control.registerBroker(req, this.o.clock.nowMs()),
      (ch) => ch.send(apiCall(reg.brokerRegistrationRequestMeta, reg.encodeBrokerRegistrationRequest, regResp.decodeBrokerRegistrationResponse, req)),
    );
  }

  heartbeat(req: hb.BrokerHeartbeatRequest): Promise<hbResp.BrokerHeartbeatResponse> {
    return this.via(
      () => this.o.control.heartbeat(req, this.o.clock.nowMs()),
      (ch) => ch.send(apiCall(hb.brokerHeartbeatRequestMeta, hb.encodeBrokerHeartbeatRequest, hbResp.decodeBrokerHeartbeatResponse, req)),
    );
  }

  alterPartition(req: ap.AlterPartitionRequest): Promise<apResp.AlterPartitionResponse> {
    return this.via(
      () => this.o.control.alterPartition(req, ALTER_PARTITION_VERSION),
      (ch) => ch.send(apiCall(ap.alterPartitionRequestMeta, ap.encodeAlterPartitionRequest, apResp.decodeAlterPartitionResponse, req, { min: ALTER_PARTITION_VERSION, max: ALTER_PARTITION_VERSION })),
    );
  }

  allocateProducerIds(): Promise<ProducerIdBlock> {
    return this.via(
      () => this.o.controller.run(allocateProducerIdsCommand(this.o.nodeId)),
      async (ch) => {
        const r = await ch.send(apiCall(pid.allocateProducerIdsRequestMeta, pid.encodeAllocateProducerIdsRequest, pidResp.decodeAllocateProducerIdsResponse, { brokerId: this.o.nodeId, brokerEpoch: this.o.brokerEpoch() }));
        if (r.errorCode !== ErrorCode.NONE) throw new Error(`the controller refused a block of producer ids (error ${r.errorCode})`);
        return { first: r.producerIdStart, end: r.producerIdStart + BigInt(r.producerIdLen) } as ProducerIdBlock;
      },
    );
  }

  /** Creates the topics that do not exist yet (auto-creation, internal topics). */
  createTopics(specs: readonly CreateTopicSpec[], defaults: TopicDefaults): Promise<TopicOutcome[]> {
    return this.via(
      () => this.o.controller.run((image) => createTopicsCommand(specs.filter((s) => !image.topicsByName.has(s.name)), false, defaults)(image)),
      async (ch) => {
        const body: ct.CreateTopicsRequest = {
          topics: specs.map((s) => ({ name: s.name, numPartitions: s.numPartitions, replicationFactor: s.replicationFactor, assignments: s.assignments.map((a) => ({ partitionIndex: a.partitionIndex, brokerIds: [...a.brokerIds] })), configs: s.configs.map((c) => ({ name: c.name, value: c.value })) })),
          timeoutMs: 30_000,
          validateOnly: false,
        };
        const r = await ch.send(apiCall(ct.createTopicsRequestMeta, ct.encodeCreateTopicsRequest, ctResp.decodeCreateTopicsResponse, body), { notController: (resp) => resp.topics.some((t) => t.errorCode === ErrorCode.NOT_CONTROLLER) });
        return r.topics.map((t) => ({ name: t.name, topicId: t.topicId ?? null, errorCode: t.errorCode, errorMessage: t.errorMessage ?? null, numPartitions: t.numPartitions ?? -1, replicationFactor: t.replicationFactor ?? -1 }));
      },
    );
  }

  /** Runs `local` when this node is the active controller, else `remote` over the channel. */
  private async via<T>(local: () => Promise<T>, remote: (channel: ControllerChannel) => Promise<T>): Promise<T> {
    const channel = this.o.channel;
    if (this.o.controller.isActive || channel === null) {
      try {
        return await local();
      } catch (e) {
        // Leadership moved while the command waited: the new controller is asked instead.
        if (!(e instanceof NotControllerError) || channel === null) throw e;
      }
    }
    return remote(channel);
  }
}
