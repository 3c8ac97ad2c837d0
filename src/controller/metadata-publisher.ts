/**
 * Publishes committed metadata into the node's image: Kafka's MetadataLoader and publishers. Every
 * node, the active controller included, learns metadata only here, from batches the quorum has
 * committed (raft-metadata-log.ts's `onCommitted`), so all nodes' images pass through the same
 * states in the same order.
 *
 * A batch is replayed whole before any listener hears of it (Kafka publishes a metadata delta at
 * once): a request arriving while the broker creates a new topic's logs never meets half a topic.
 * Listeners run one batch at a time, in order.
 */
import type { MetadataChange, MetadataImage } from '../metadata/metadata-image.js';
import type { MetadataRecord } from '../metadata/metadata-record.js';

export interface CommittedRecord {
  readonly record: MetadataRecord;
  readonly offset: number;
}

/** Told of every change a published record made (the broker's local logs, coordinators, metrics). */
export type ChangeListener = (change: MetadataChange) => Promise<void>;

export class MetadataPublisher {
  private readonly listeners: ChangeListener[] = [];

  constructor(private readonly image: MetadataImage) {}

  /** Adds a listener; it hears every batch published from now on. */
  subscribe(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  async publish(batch: readonly CommittedRecord[]): Promise<void> {
    const changes = batch.map((c) => this.image.replay(c.record, c.offset));
    for (const change of changes) {
      if (change.kind === 'none') continue;
      for (const l of this.listeners) await l(change);
    }
  }
}
