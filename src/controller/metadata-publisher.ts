/**
 * Publishes committed metadata into the node's image: Kafka's MetadataLoader and publishers. Every
 * node, the active controller included, learns metadata only here, from batches the quorum has
 * committed (raft-metadata-log.ts's `onCommitted`), so all nodes' images pass through the same
 * states in the same order.
 *
 * A batch is replayed whole before any listener hears of it (Kafka publishes a metadata delta at
 * once): a request arriving while the broker creates a new topic's logs never meets half a topic.
 * Listeners run one batch at a time, in order. A snapshot loaded over the image (a follower that
 * fell behind its leader's log start) is published the same way, as one delta: the image becomes
 * the snapshot's, and listeners hear what differs (`reload`).
 */
import { MetadataImage, type MetadataChange } from '../metadata/metadata-image.js';
import { imageChanges } from '../metadata/image-diff.js';
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
    await this.tell(batch.map((c) => this.image.replay(c.record, c.offset)));
  }

  /** The image becomes the snapshot's (`records`, the whole image before `endOffset`); listeners hear the differences. */
  async reload(records: readonly MetadataRecord[], endOffset: number): Promise<void> {
    const fresh = new MetadataImage();
    for (const r of records) fresh.replay(r, endOffset - 1);
    fresh.lastOffset = endOffset - 1;
    const changes = imageChanges(this.image, fresh);
    this.image.replaceWith(fresh);
    await this.tell(changes);
  }

  private async tell(changes: readonly MetadataChange[]): Promise<void> {
    for (const change of changes) {
      if (change.kind === 'none') continue;
      for (const l of this.listeners) await l(change);
    }
  }
}
