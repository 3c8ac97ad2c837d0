/**
 * The quorum controller: the one writer of the metadata log (DESIGN.md, Metadata).
 *
 * Kafka's controller pattern: a command reads the current image, validates, and returns the
 * records to append plus the response to send. The image changes only when those records are
 * committed: the store (raft-metadata-log.ts) hands every committed batch to the metadata
 * publisher (metadata-publisher.ts) on every node, the leader included, and an append resolves
 * only after that. Commands run one at a time, in submission order, so each sees every earlier
 * command's effect. Only the active controller runs commands: the quorum's leader once it has
 * applied everything committed before its epoch; elsewhere `run` throws NotControllerError.
 */
import type { MetadataImage } from '../metadata/metadata-image.js';
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
  /**
   * Appends the records as one batch and resolves with their offsets once they are committed and
   * published into the image; rejects with NotControllerError when leadership was lost first.
   */
  append(records: readonly MetadataRecord[]): Promise<number[]>;
  /** Whether this node may run commands now (it is the active controller), and the leader it knows (-1: none). */
  controllerState(): { active: boolean; leaderId: number };
}

export class Controller {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly image: MetadataImage,
    private readonly store: MetadataLogStore,
  ) {}

  /** Whether this node is the active controller now (commands run here). */
  get isActive(): boolean {
    return this.store.controllerState().active;
  }

  /** Runs a command after every earlier one; resolves with its response once its records are applied. */
  run<T>(command: ControllerCommand<T>): Promise<T> {
    const result = this.queue.then(() => this.execute(command));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async execute<T>(command: ControllerCommand<T>): Promise<T> {
    const state = this.store.controllerState();
    if (!state.active) throw new NotControllerError(state.leaderId);
    const { records, response } = command(this.image);
    if (records.length > 0) await this.store.append(records);
    return response;
  }
}
