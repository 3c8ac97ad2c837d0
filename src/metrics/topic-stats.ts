/**
 * BrokerTopicMetrics' counts as plain numbers: the produce and fetch paths add to fields of an
 * object they look up once per topic, and nothing else happens per request (no label hashing, no
 * allocation). The exposition reads these numbers when scraped (broker-metrics.ts).
 *
 * Invariant: every count only grows while its topic exists; a deleted topic's counts are dropped
 * (as Kafka removes its per-topic MBeans), the all-topics counts keep them.
 */
export class TopicStats {
  messagesIn = 0;
  bytesIn = 0;
  bytesOut = 0;
  bytesRejected = 0;
  totalProduceRequests = 0;
  totalFetchRequests = 0;
  failedProduceRequests = 0;
  failedFetchRequests = 0;
}

export type TopicCounter = keyof TopicStats;

export class BrokerTopicStats {
  /** Kafka's allTopicsStats: the series without a topic label. */
  readonly allTopics = new TopicStats();
  private readonly byTopic = new Map<string, TopicStats>();

  /** The topic's counts, created on first use; callers keep the object, not the name. */
  topic(name: string): TopicStats {
    let s = this.byTopic.get(name);
    if (s === undefined) this.byTopic.set(name, (s = new TopicStats()));
    return s;
  }

  removeTopic(name: string): void {
    this.byTopic.delete(name);
  }

  topics(): IterableIterator<[string, TopicStats]> {
    return this.byTopic.entries();
  }
}
