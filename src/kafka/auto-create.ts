/**
 * Topic auto-creation (auto.create.topics.enable): Metadata and Produce for a missing topic create
 * it with the broker defaults (num.partitions, default.replication.factor), as Kafka does.
 */
import { createTopicsCommand, type TopicDefaults, type TopicOutcome } from '../controller/topic-control.js';
import { randomTopicId } from '../io/random.js';
import type { BrokerServices } from './context.js';

/**
 * New replicas go to the active controller's placement brokers (registered, unfenced, not shutting
 * down; striped over their racks); a broker that knows of no registered broker yet places on
 * itself (a node alone, before its registration is in the image).
 */
export function topicDefaults(broker: BrokerServices): TopicDefaults {
  const placement = broker.clusterControl?.placementBrokers() ?? [];
  return {
    numPartitions: broker.settings.defaultNumPartitions,
    replicationFactor: broker.settings.defaultReplicationFactor,
    brokerIds: placement.length > 0 || broker.settings.isBroker === false ? placement : [broker.settings.nodeId],
    fencedBrokerIds: broker.clusterControl?.fencedBrokers() ?? [],
    racks: placement.length > 0 ? broker.clusterControl?.placementRacks() : undefined,
    validateConfig: (name: string, value: string | null) => broker.configs.validateTopicConfig(name, value),
    newTopicId: randomTopicId,
  };
}

/**
 * Creates the named topics that do not exist yet, through the active controller wherever it is;
 * this node's image may learn of them a moment later (callers answer LEADER_NOT_AVAILABLE then).
 */
export function autoCreateTopics(broker: BrokerServices, names: readonly string[]): Promise<TopicOutcome[]> {
  const specs = names.map((name) => ({ name, numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] }));
  if (broker.createTopics !== undefined) return broker.createTopics(specs);
  const defaults = topicDefaults(broker);
  // Another request may have created one of them meanwhile: only create what is still missing.
  return broker.controller.run((image) => createTopicsCommand(specs.filter((s) => !image.topicsByName.has(s.name)), false, defaults)(image));
}
