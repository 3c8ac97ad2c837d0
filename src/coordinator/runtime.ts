/**
 * The shared machinery of the coordinators (DESIGN.md, Coordinators): each partition of an internal
 * topic (`__consumer_offsets`, later `__transaction_state`) hosted as leader here is a *shard* whose
 * state is rebuilt from, and persisted to, that partition.
 *
 * The pattern is the controller's: a command validates against the current state and returns the
 * records to write plus the response; the records are appended to the partition as one RecordBatch
 * v2 with acks=all semantics (durable before it counts), then *replayed* into the state, in log
 * order, and only then is the response released. Loading a shard replays every record already in
 * the partition, so a restart (or a new leader) ends up with exactly the state the log describes.
 *
 * Leadership moves (a cluster): a shard lives only while this node leads its partition. `close()`
 * (the coordinator resigning, Kafka's onResignation) fails every write still in flight with
 * NotCoordinatorError at once instead of leaving it waiting for a HW that will not move here; a
 * new leadership builds a new shard, which loads the partition afresh. Appends count only once
 * committed (acks=all: the HW passed them, min.insync.replicas held), as Kafka's coordinators
 * append with acks=-1; `coordinatorErrorCode` is Kafka's mapping of a failed append to what the
 * client hears (GroupMetadataManager / TransactionStateManager).
 *
 * Invariants:
 * - a shard answers nothing until it has replayed its partition up to the log end offset it saw
 *   when loading began (Kafka's coordinators load to the LEO: a new leader's HW may still lag
 *   records an earlier leader had committed and answered; `status === 'loading'` →
 *   COORDINATOR_LOAD_IN_PROGRESS for callers);
 * - writes are appended in call order and replayed in that same order, one after another, so a
 *   command issued after another sees its effect once `flushed()` resolves;
 * - a failed append leaves the state untouched (nothing is replayed) and rejects the write.
 */
import type { Clock } from '../io/clock.js';
import type { Logger } from '../util/logger.js';
import type { Partition } from '../partition/partition.js';
import { buildRecordBatch } from '../protocol/records/record-batch-builder.js';
import { decodeRecordBatch } from '../protocol/records/record-batch-reader.js';
import { batchSizeAt, LOG_OVERHEAD } from '../protocol/records/batch-header.js';
import { buildEndTxnMarkerBatch, ControlRecordType, decodeControlRecordType } from '../protocol/records/control-record.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { storageErrorCode } from '../partition/storage-error-codes.js';

/** Kafka's offsets.commit.timeout.ms default: how long a group coordinator append waits for acks=all. */
export const DEFAULT_OFFSETS_COMMIT_TIMEOUT_MS = 5000;

/** The shard is not (or no longer) this node's: its partition's leadership moved, or it is closing. */
export class NotCoordinatorError extends Error {}

/**
 * Kafka's mapping of a failed coordinator append to the client's error (GroupMetadataManager's
 * storeGroup/storeOffsets, TransactionStateManager.appendTransactionToLog): replication not
 * satisfied → COORDINATOR_NOT_AVAILABLE (retry here); not the leader, or the disk failed →
 * NOT_COORDINATOR (FindCoordinator again); a batch too large → UNKNOWN_SERVER_ERROR
 * (`tooLarge`: OffsetCommit answers INVALID_COMMIT_OFFSET_SIZE instead).
 */
export function coordinatorErrorCode(e: unknown, tooLarge: number = ErrorCode.UNKNOWN_SERVER_ERROR): number {
  if (e instanceof NotCoordinatorError) return ErrorCode.NOT_COORDINATOR;
  const code = storageErrorCode(e);
  switch (code) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case ErrorCode.REQUEST_TIMED_OUT:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR;
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      return tooLarge;
    default:
      return code;
  }
}

/** The transaction a coordinator write belongs to (TxnOffsetCommit). */
export interface TxnWriter {
  readonly producerId: bigint;
  readonly producerEpoch: number;
}

/** One record of an internal topic: Kafka's versioned key and value bytes; a null value is a tombstone. */
export interface CoordinatorRecord {
  readonly key: Buffer;
  readonly value: Buffer | null;
}

/** What a coordinator keeps per shard: it changes only through replay. */
export interface CoordinatorState {
  /** `producerId` is the writing transaction's producer id for a transactional batch, else -1n. */
  replay(record: CoordinatorRecord, offset: number, timestampMs: number, producerId: bigint): void;
  /** A transaction marker for `producerId` was written at `offset` (Kafka's transactional offset commits). */
  replayEndTxn?(producerId: bigint, commit: boolean, offset: number): void;
  /** Called once after the load replay reached the end of the partition. */
  loaded?(): void;
}

/** The one partition a shard lives in (the hosted leader replica of the internal topic's partition). */
export interface CoordinatorLog {
  readonly logStartOffset: number;
  readonly highWatermark: number;
  /** Where loading stops: everything this leader's log holds. */
  readonly logEndOffset: number;
  /** Batches from `offset` (whole batches, at least one if any), or null when out of range. */
  read(offset: number, maxBytes: number): Promise<Buffer | null>;
  /**
   * Appends one batch with acks=all semantics; resolves with its base offset once committed (the
   * HW passed it); rejects when it cannot be (not the leader, too few replicas, timed out).
   */
  append(batch: Buffer): Promise<{ baseOffset: number }>;
}

export type ShardStatus = 'loading' | 'active' | 'failed' | 'closed';

const LOAD_CHUNK_BYTES = 1024 * 1024;

export class CoordinatorShard<S extends CoordinatorState> {
  private statusValue: ShardStatus = 'loading';
  /** Serialises batch building so appends reach the log in call order. */
  private appendOrder: Promise<unknown> = Promise.resolve();
  /** Serialises replays so they happen in log order. */
  private tail: Promise<unknown> = Promise.resolve();
  private readonly loading: Promise<void>;
  /** Rejected by close(): writes still waiting for their append fail with it. */
  private readonly closing: Promise<never>;
  private rejectClosing: (e: Error) => void = () => undefined;

  constructor(
    readonly partitionId: number,
    readonly state: S,
    private readonly log: CoordinatorLog,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly name: string,
  ) {
    this.closing = new Promise<never>((_, reject) => (this.rejectClosing = reject));
    this.closing.catch(() => undefined);
    this.loading = this.load();
  }

  get status(): ShardStatus {
    return this.statusValue;
  }

  /** Resolves when loading ended (check `status` for how). */
  whenLoaded(): Promise<void> {
    return this.loading;
  }

  private async load(): Promise<void> {
    const started = this.clock.nowMs();
    const end = this.log.logEndOffset;
    let offset = this.log.logStartOffset;
    let count = 0;
    try {
      while (offset < end) {
        const chunk = await this.log.read(offset, LOAD_CHUNK_BYTES);
        if (chunk === null || chunk.length === 0) throw new Error(`${this.name}: partition unreadable at offset ${offset}`);
        let pos = 0;
        let next = offset;
        while (pos + LOG_OVERHEAD <= chunk.length && pos + batchSizeAt(chunk, pos) <= chunk.length) {
          const { header, records } = await decodeRecordBatch(chunk, pos);
          if (header.isControl) {
            // Transaction markers complete the transactional records written before them.
            const r = records[0];
            const type = r === undefined || r.key === null ? -1 : decodeControlRecordType(r.key);
            if (header.baseOffset >= offset && (type === ControlRecordType.Commit || type === ControlRecordType.Abort)) {
              this.state.replayEndTxn?.(header.producerId, type === ControlRecordType.Commit, header.baseOffset);
            }
          } else {
            const producerId = header.isTransactional ? header.producerId : -1n;
            for (const r of records) {
              const o = header.baseOffset + r.offsetDelta;
              if (o < offset || o >= end || r.key === null) continue;
              this.state.replay({ key: r.key, value: r.value }, o, header.baseTimestamp + r.timestampDelta, producerId);
              count++;
            }
          }
          next = header.baseOffset + header.lastOffsetDelta + 1;
          pos += header.sizeInBytes;
        }
        if (next <= offset) throw new Error(`${this.name}: no progress loading at offset ${offset}`);
        offset = next;
      }
      // Closed meanwhile (the leadership moved on): the state is dropped, nothing may start from it.
      if (this.statusValue !== 'loading') return;
      this.state.loaded?.();
      this.statusValue = 'active';
      this.logger.info(`${this.name}: loaded ${count} records up to offset ${end} in ${this.clock.nowMs() - started} ms`);
    } catch (e) {
      this.statusValue = 'failed';
      this.logger.error(`${this.name}: loading failed: ${e instanceof Error ? e.stack : String(e)}`);
    }
  }

  /**
   * Appends `records` as one batch, then replays them; resolves once they are replayed (the state
   * shows them). Rejects, replaying nothing, if the append fails.
   */
  write(records: readonly CoordinatorRecord[], txn: TxnWriter | null = null): Promise<void> {
    if (records.length === 0 && this.statusValue === 'active') return this.flushed();
    const timestamp = this.clock.nowMs();
    const producerId = txn === null ? -1n : txn.producerId;
    return this.enqueue(
      () => buildRecordBatch({
        baseOffset: 0,
        records: records.map((r) => ({ key: r.key, value: r.value, timestamp })),
        ...(txn === null ? {} : { producerId: txn.producerId, producerEpoch: txn.producerEpoch, baseSequence: -1, isTransactional: true }),
      }),
      (baseOffset) => records.forEach((r, i) => this.state.replay(r, baseOffset + i, timestamp, producerId)),
    );
  }

  /**
   * Appends a transaction marker for `producerId` (the transaction coordinator's WriteTxnMarkers to
   * this partition), then replays its completion.
   */
  writeTxnMarker(producerId: bigint, producerEpoch: number, commit: boolean, coordinatorEpoch: number): Promise<void> {
    const timestamp = this.clock.nowMs();
    return this.enqueue(
      () => buildEndTxnMarkerBatch({ producerId, producerEpoch, commit, coordinatorEpoch, timestamp }),
      (baseOffset) => this.state.replayEndTxn?.(producerId, commit, baseOffset),
    );
  }

  private enqueue(build: () => Promise<Buffer>, apply: (baseOffset: number) => void): Promise<void> {
    if (this.statusValue !== 'active') return Promise.reject(new NotCoordinatorError(`${this.name} is ${this.statusValue}`));
    // The appended promise is boxed so awaiting the build step does not wait for durability.
    const appending = this.appendOrder.then(async () => {
      // Queued behind a write that was still in flight when the shard closed: not appended at all.
      if (this.statusValue === 'closed') throw new NotCoordinatorError(`${this.name} is closed`);
      const batch = await build();
      return { durable: this.log.append(batch) };
    });
    this.appendOrder = appending.catch(() => undefined);
    const done = this.tail.then(async () => {
      const { durable } = await Promise.race([appending, this.closing]);
      const { baseOffset } = await Promise.race([durable, this.closing]);
      if (this.statusValue === 'closed') throw new NotCoordinatorError(`${this.name} is closed`);
      apply(baseOffset);
    });
    this.tail = done.catch((e: unknown) => {
      // A write cut short by resigning is expected; anything else is worth an error line.
      if (!(e instanceof NotCoordinatorError)) this.logger.error(`${this.name}: append failed: ${e instanceof Error ? e.message : String(e)}`);
    });
    return done;
  }

  /** Resolves once every write issued so far has been replayed (or failed). */
  flushed(): Promise<void> {
    return this.tail.then(() => undefined);
  }

  /**
   * The shard is no longer this node's (its partition's leadership moved, Kafka's onResignation, or
   * the node stops): writes still in flight reject with NotCoordinatorError now, nothing more is
   * replayed.
   */
  close(): void {
    if (this.statusValue === 'closed') return;
    this.statusValue = 'closed';
    this.rejectClosing(new NotCoordinatorError(`${this.name} was closed`));
  }

  /** Resolves once the shard is closed (a coordinator's retry loop stops waiting then). */
  whenClosed(): Promise<void> {
    return this.closing.catch(() => undefined);
  }
}

/**
 * A hosted partition as a shard's log: reads up to the LEO, appends with acks=all (Kafka's
 * coordinators append with acks=-1): refused with NOT_ENOUGH_REPLICAS when the ISR is below
 * min.insync.replicas, resolved once the HW passed the batch, rejected with REQUEST_TIMED_OUT after
 * `timeoutMs` (offsets.commit.timeout.ms for groups, request.timeout.ms for transactions) or with
 * NOT_LEADER_OR_FOLLOWER when the leadership ends first.
 */
export function partitionCoordinatorLog(p: Partition, timeoutMs: number = DEFAULT_OFFSETS_COMMIT_TIMEOUT_MS): CoordinatorLog {
  return {
    get logStartOffset() {
      return p.logStartOffset;
    },
    get highWatermark() {
      return p.highWatermark;
    },
    get logEndOffset() {
      return p.logEndOffset;
    },
    async read(offset, maxBytes) {
      const r = await p.read(offset, maxBytes, true, 'logEnd');
      return r.kind === 'ok' ? r.records : null;
    },
    async append(batch) {
      const r = await p.append(batch, -1, timeoutMs);
      return { baseOffset: r.baseOffset };
    },
  };
}
