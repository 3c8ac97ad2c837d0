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
 * Invariants:
 * - a shard answers nothing until it has replayed its partition up to the high watermark it saw
 *   when loading began (`status === 'loading'` → COORDINATOR_LOAD_IN_PROGRESS for callers);
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
  /** Batches from `offset` (whole batches, at least one if any), or null when out of range. */
  read(offset: number, maxBytes: number): Promise<Buffer | null>;
  /** Appends one batch with acks=all semantics; resolves with its base offset once durable. */
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

  constructor(
    readonly partitionId: number,
    readonly state: S,
    private readonly log: CoordinatorLog,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly name: string,
  ) {
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
    const end = this.log.highWatermark;
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
      this.state.loaded?.();
      if (this.statusValue === 'loading') this.statusValue = 'active';
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
    if (this.statusValue !== 'active') return Promise.reject(new Error(`${this.name} is ${this.statusValue}`));
    // The appended promise is boxed so awaiting the build step does not wait for durability.
    const appending = this.appendOrder.then(async () => {
      const batch = await build();
      return { durable: this.log.append(batch) };
    });
    this.appendOrder = appending.catch(() => undefined);
    const done = this.tail.then(async () => {
      const { durable } = await appending;
      const { baseOffset } = await durable;
      if (this.statusValue === 'closed') return;
      apply(baseOffset);
    });
    this.tail = done.catch((e: unknown) => this.logger.error(`${this.name}: append failed: ${e instanceof Error ? e.message : String(e)}`));
    return done;
  }

  /** Resolves once every write issued so far has been replayed (or failed). */
  flushed(): Promise<void> {
    return this.tail.then(() => undefined);
  }

  close(): void {
    this.statusValue = 'closed';
  }
}

/** A hosted partition as a shard's log: reads up to the high watermark, appends with acks=all. */
export function partitionCoordinatorLog(p: Partition): CoordinatorLog {
  return {
    get logStartOffset() {
      return p.logStartOffset;
    },
    get highWatermark() {
      return p.highWatermark;
    },
    async read(offset, maxBytes) {
      // The load stops at the HW: state is rebuilt from committed records only.
      const r = await p.read(offset, maxBytes, true, 'highWatermark');
      return r.kind === 'ok' ? r.records : null;
    },
    async append(batch) {
      const r = await p.append(batch, -1);
      return { baseOffset: r.baseOffset };
    },
  };
}
