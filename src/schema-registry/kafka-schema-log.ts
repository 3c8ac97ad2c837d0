/**
 * The `_schemas` topic through kafkajs, as any Kafka client reaches it (DESIGN.md: the registry
 * also runs against a real Kafka cluster): created compacted with one partition if missing, read
 * from the beginning by a consumer of this instance's own (never committing) group, every record
 * replayed into the RegistryState in offset order.
 *
 * "Caught up" is decided as Confluent's KafkaStore does: write a NOOP record and wait until the
 * reader has passed its offset, which works whatever gaps compaction or control records leave.
 * An append waits the same way for its own last record, so a write is visible to its writer when
 * it returns. Waits are bounded by `timeoutMs` (then 50002, Confluent's operation timeout).
 */
import kafkajs, { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import type { Clock } from '../io/clock.js';
import type { Logger } from '../util/logger.js';
import * as E from './errors.js';
import { decodeRecord, encodeKey, encodeValue, type RegistryRecord } from './records.js';
import type { SchemaLog } from './registry.js';
import type { RegistryState } from './state.js';

export const SCHEMAS_TOPIC = '_schemas';

const ENSURE_ATTEMPTS = 40;
const ENSURE_BACKOFF_MS = 250;

/**
 * Creates the topic (compacted, one partition, the cluster's replication factor) if it is missing,
 * and returns once its metadata answers (a fresh topic's metadata reaches brokers a moment after
 * CreateTopics answers on Apache Kafka: bounded retries, not a failure).
 */
export async function ensureSchemasTopic(bootstrap: readonly string[], topic: string, clock: Clock): Promise<void> {
  const admin = new Kafka({ clientId: 'tributary-schema-registry', brokers: [...bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 8 } }).admin();
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await ensureTopic(admin, topic);
        await validateTopic(admin, topic);
        return;
      } catch (e) {
        if (e instanceof SchemasTopicError || attempt >= ENSURE_ATTEMPTS) throw e;
        await new Promise<void>((resolve) => clock.setTimer(ENSURE_BACKOFF_MS, resolve));
      }
    }
  } finally {
    await admin.disconnect();
  }
}

/** The topic exists but is not fit to hold the registry's state (not retried). */
export class SchemasTopicError extends Error {}

/** As Confluent's KafkaStore checks it: one partition (order), cleanup.policy=compact (kept forever). */
async function validateTopic(admin: Admin, topic: string): Promise<void> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  const partitions = topics[0]?.partitions.length ?? 0;
  if (partitions !== 1) throw new SchemasTopicError(`The schema topic ${topic} should have only 1 partition but has ${partitions}`);
  const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] }] });
  const policy = described.resources[0]?.configEntries.find((c) => c.configName === 'cleanup.policy')?.configValue ?? null;
  if (policy !== 'compact') throw new SchemasTopicError(`The retention policy of the schema topic ${topic} is incorrect. Expected cleanup.policy to be 'compact' but it is ${policy}`);
}

async function ensureTopic(admin: Admin, topic: string): Promise<void> {
  if ((await admin.listTopics()).includes(topic)) return;
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] });
  } catch (e) {
    // Another instance created it between our look and our create.
    if (!(await admin.listTopics()).includes(topic)) throw e;
  }
}

export interface KafkaSchemaLogOptions {
  readonly bootstrap: readonly string[];
  readonly topic?: string;
  /** This instance's consumer group: unique per instance (it never commits). */
  readonly groupId: string;
  readonly state: RegistryState;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How long a write or a catch-up may take (Confluent's kafkastore.timeout.ms role). */
  readonly timeoutMs?: number;
}

interface Waiter {
  readonly offset: number;
  readonly resolve: () => void;
}

export class KafkaSchemaLog implements SchemaLog {
  /** The offset after the last record replayed. */
  private nextOffset = 0;
  private waiters: Waiter[] = [];
  private readonly timeoutMs: number;
  private readonly topic: string;

  private constructor(
    private readonly opts: KafkaSchemaLogOptions,
    private readonly admin: Admin,
    private readonly producer: Producer,
    private readonly consumer: Consumer,
  ) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.topic = opts.topic ?? SCHEMAS_TOPIC;
  }

  /** Connects, creates the topic if missing, and replays it to the end before resolving. */
  static async open(opts: KafkaSchemaLogOptions): Promise<KafkaSchemaLog> {
    const kafka = new Kafka({ clientId: 'tributary-schema-registry', brokers: [...opts.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 8 } });
    const admin = kafka.admin();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    // A short long-poll: disconnect() waits for the fetch in flight, and stop() should not take 5 s.
    const consumer = kafka.consumer({ groupId: opts.groupId, allowAutoTopicCreation: false, retry: { retries: 8 }, maxWaitTimeInMs: 500 });
    const log = new KafkaSchemaLog(opts, admin, producer, consumer);
    try {
      await admin.connect();
      await log.ensureTopic();
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topic: log.topic, fromBeginning: true });
      await consumer.run({ autoCommit: false, eachMessage: async ({ message }) => log.replay(message.key, message.value, Number(message.offset)) });
      await log.catchUp(opts.timeoutMs ?? 60_000);
    } catch (e) {
      await log.close();
      throw e;
    }
    return log;
  }

  private ensureTopic(): Promise<void> {
    return ensureTopic(this.admin, this.topic);
  }

  private replay(key: Buffer | null, value: Buffer | null, offset: number): void {
    const record = decodeRecord(key, value);
    if (record !== null) this.opts.state.apply(record);
    else this.opts.logger.warn(`${this.topic} offset ${offset}: skipped a record the registry does not understand`);
    this.nextOffset = Math.max(this.nextOffset, offset + 1);
    const ready = this.waiters.filter((w) => w.offset < this.nextOffset);
    this.waiters = this.waiters.filter((w) => w.offset >= this.nextOffset);
    for (const w of ready) w.resolve();
  }

  append(records: readonly RegistryRecord[]): Promise<void> {
    return this.write(records, this.timeoutMs);
  }

  catchUp(timeoutMs = this.timeoutMs): Promise<void> {
    return this.write([{ key: { keytype: 'NOOP' }, value: null }], timeoutMs);
  }

  private async write(records: readonly RegistryRecord[], timeoutMs: number): Promise<void> {
    let result;
    try {
      result = await this.producer.send({ topic: this.topic, acks: -1, messages: records.map((r) => ({ key: encodeKey(r.key), value: encodeValue(r) })) });
    } catch (e) {
      throw E.storeError(`Error while writing to the Kafka store: ${e instanceof Error ? e.message : String(e)}`);
    }
    const base = Number(result[0]?.baseOffset ?? -1);
    if (base < 0) throw E.storeError('Error while writing to the Kafka store: no offset in the produce response');
    await this.waitFor(base + records.length - 1, timeoutMs);
  }

  private waitFor(offset: number, timeoutMs: number): Promise<void> {
    if (offset < this.nextOffset) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = this.opts.clock.setTimer(timeoutMs, () => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(E.operationTimeout(`Write to the Kafka store timed out while waiting for offset ${offset} of ${this.topic} to be read back`));
      });
      const waiter: Waiter = {
        offset,
        resolve: () => {
          timer.cancel();
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.consumer.disconnect(), this.producer.disconnect(), this.admin.disconnect()]);
  }
}
