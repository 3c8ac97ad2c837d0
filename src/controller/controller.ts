/**
 * The quorum controller: the one writer of the metadata log (DESIGN.md, Metadata).
 *
 * Kafka's controller pattern: a command reads the current image, validates, and returns the
 * records to append plus the response to send; the image changes only when those records are
 * replayed after they are durably in the log (all of one command's records at once, before the
 * broker acts on them). Commands run one at a time, in submission order, so
 * each sees every earlier command's effect. The Raft quorum sits behind `MetadataLogStore`
 * (raft-metadata-log.ts): an append resolves once its records are committed.
 */
import type { MetadataImage, MetadataChange } from '../metadata/metadata-image.js';
import type { MetadataRecord } from '../metadata/metadata-record.js';

export interface ControllerResult<T> {
  records: MetadataRecord[];
  response: T;
}

export type ControllerCommand<T> = (image: MetadataImage) => ControllerResult<T>;

/**
 * Thrown by `run` on a node that is not the active controller (a follower of the metadata quorum):
 * handlers answer NOT_CONTROLLER, and internal callers go to the active controller over the wire.
 */
export class NotControllerError extends Error {
  constructor(readonly leaderId: number) {
    super(leaderId < 0 ? 'no active controller is known yet' : `the active controller is node ${leaderId}`);
  }
}

/** Where metadata records are made durable, in order. */
export interface MetadataLogStore {
  /** Appends the records as one batch and resolves, once they are committed, with their offsets. */
  append(records: readonly MetadataRecord[]): Promise<number[]>;
}

/** Told of every change a replayed record makes (the broker creates and deletes local logs). */
export type ChangeListener = (change: MetadataChange) => Promise<void>;

export class Controller {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly image: MetadataImage,
    private readonly store: MetadataLogStore,
    private readonly onChange: ChangeListener,
  ) {}

  /** Runs a command after every earlier one; resolves with its response once its records are applied. */
  run<T>(command: ControllerCommand<T>): Promise<T> {
    const result = this.queue.then(() => this.execute(command));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async execute<T>(command: ControllerCommand<T>): Promise<T> {
    const { records, response } = command(this.image);
    if (records.length === 0) return response;
    const offsets = await this.store.append(records);
    // The image takes the whole command before anyone sees it (Kafka publishes a metadata delta at
    // once): a request arriving while the broker creates the new logs never meets half a topic.
    const changes = records.map((r, i) => this.image.replay(r, offsets[i] as number));
    for (const change of changes) await this.onChange(change);
    return response;
  }
}
