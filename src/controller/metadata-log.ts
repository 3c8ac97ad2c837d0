/**
 * The metadata log on disk: `__cluster_metadata-0` in the first log dir (Kafka's
 * metadata.log.dir default), a segment log whose records carry KRaft metadata records. Each
 * controller command becomes one batch, fsynced before it is applied, so a restart replays
 * exactly the acknowledged changes.
 */
import type { PartitionLog } from '../storage/partition-log.js';
import type { Clock } from '../io/clock.js';
import { buildRecordBatch } from '../protocol/records/record-batch-builder.js';
import { decodeRecordBatch } from '../protocol/records/record-batch-reader.js';
import { batchSizeAt, LOG_OVERHEAD } from '../protocol/records/batch-header.js';
import { decodeMetadataRecord, encodeMetadataRecord, type MetadataRecord } from '../metadata/metadata-record.js';
import type { MetadataLogStore } from './controller.js';

export const METADATA_TOPIC = '__cluster_metadata';
const READ_CHUNK_BYTES = 1024 * 1024;

export class DiskMetadataLog implements MetadataLogStore {
  constructor(
    private readonly log: PartitionLog,
    private readonly clock: Clock,
  ) {}

  async append(records: readonly MetadataRecord[]): Promise<number[]> {
    const timestamp = this.clock.nowMs();
    const batch = await buildRecordBatch({ baseOffset: 0, records: records.map((r) => ({ key: null, value: encodeMetadataRecord(r), timestamp })) });
    const { firstOffset } = await this.log.append(batch, 0);
    await this.log.flush();
    return records.map((_, i) => firstOffset + i);
  }

  /** Calls `apply` for every record in the log, in order. */
  async replay(apply: (record: MetadataRecord, offset: number) => Promise<void>): Promise<void> {
    let offset = this.log.logStartOffset;
    while (offset < this.log.logEndOffset) {
      const read = await this.log.read(offset, READ_CHUNK_BYTES, true);
      if (read.kind !== 'ok' || read.records.length === 0) throw new Error(`metadata log unreadable at offset ${offset}`);
      const next = await this.replayChunk(read.records, offset, apply);
      if (next <= offset) throw new Error(`metadata log made no progress at offset ${offset}`);
      offset = next;
    }
  }

  /** Replays the complete batches in `chunk`; returns the offset after the last one. */
  private async replayChunk(chunk: Buffer, from: number, apply: (record: MetadataRecord, offset: number) => Promise<void>): Promise<number> {
    let pos = 0;
    let next = from;
    while (pos + LOG_OVERHEAD <= chunk.length && pos + batchSizeAt(chunk, pos) <= chunk.length) {
      const { header, records } = await decodeRecordBatch(chunk, pos);
      for (const r of records) {
        const offset = header.baseOffset + r.offsetDelta;
        if (offset >= from && r.value !== null) await apply(decodeMetadataRecord(r.value), offset);
      }
      next = header.baseOffset + header.lastOffsetDelta + 1;
      pos += header.sizeInBytes;
    }
    return next;
  }
}
