/**
 * Broker-side schema validation (Confluent Server's `confluent.value.schema.validation` /
 * `confluent.key.schema.validation`, and one step further): each record's key or value must be in
 * Confluent's wire format (magic byte 0, a 4-byte big-endian schema id, the encoded datum), name a
 * schema id the registry knows, that schema must be registered under the subject the topic's
 * subject-name strategy gives, and (beyond Confluent and Redpanda, which check only the id) the
 * payload must be a datum of that schema (schema-format.ts: Avro decodes as exactly one datum, JSON
 * parses and validates with ajv, Protobuf has Confluent's message indexes and then one well-formed
 * message). Null keys and values (tombstones, keyless records) pass.
 *
 * Parsed schemas (with JSON's compiled ajv validator) are cached by id (an id names one text
 * forever, state.ts). An unknown id makes
 * the validator catch up with `_schemas` before refusing, so a schema registered a moment ago
 * through another instance is not refused; catch-ups are shared and at most one a second, so a
 * client sending bad ids cannot turn each of its batches into a write to `_schemas`.
 */
import type { Clock } from '../io/clock.js';
import { payloadError, recordName, type ParsedSchema } from './schema-format.js';
import type { SchemaRegistry } from './registry.js';

const CATCH_UP_INTERVAL_MS = 1000;

export const TOPIC_NAME_STRATEGY = 'io.confluent.kafka.serializers.subject.TopicNameStrategy';
export const RECORD_NAME_STRATEGY = 'io.confluent.kafka.serializers.subject.RecordNameStrategy';
export const TOPIC_RECORD_NAME_STRATEGY = 'io.confluent.kafka.serializers.subject.TopicRecordNameStrategy';

/** Which sides of a topic's records are validated, and how their subjects are named. */
export interface SchemaRules {
  readonly key: boolean;
  readonly value: boolean;
  readonly keyStrategy: string;
  readonly valueStrategy: string;
}

export interface RecordToCheck {
  /** Kafka's batchIndex: the record's position across the request's batches for the partition. */
  readonly index: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

export interface RecordProblem {
  readonly batchIndex: number;
  readonly message: string;
}

/** What the produce path calls; null from the node when no registry runs there. */
export interface RecordSchemaValidator {
  problems(topic: string, records: readonly RecordToCheck[], rules: SchemaRules): Promise<RecordProblem[]>;
}

export class RegistryRecordValidator implements RecordSchemaValidator {
  private readonly types = new Map<number, ParsedSchema | null>();
  /** `${subject}\n${id}` → whether the id is a live version of the subject, for state.changes == cachedAt. */
  private readonly registered = new Map<string, boolean>();
  private cachedAt = -1;

  private catchingUp: Promise<void> | null = null;
  private lastCatchUpMs = -Infinity;

  constructor(private readonly registry: SchemaRegistry, private readonly catchUpLog: () => Promise<void>, private readonly clock: Clock) {}

  private catchUp(): Promise<void> {
    if (this.catchingUp !== null) return this.catchingUp;
    if (this.clock.nowMs() - this.lastCatchUpMs < CATCH_UP_INTERVAL_MS) return Promise.resolve();
    this.lastCatchUpMs = this.clock.nowMs();
    this.catchingUp = this.catchUpLog()
      .catch(() => undefined)
      .finally(() => (this.catchingUp = null));
    return this.catchingUp;
  }

  async problems(topic: string, records: readonly RecordToCheck[], rules: SchemaRules): Promise<RecordProblem[]> {
    let caughtUp = false;
    const out: RecordProblem[] = [];
    for (const r of records) {
      for (const side of ['key', 'value'] as const) {
        if (!(side === 'key' ? rules.key : rules.value)) continue;
        const data = side === 'key' ? r.key : r.value;
        if (data === null) continue;
        if (!caughtUp && this.unknownId(data)) {
          await this.catchUp();
          caughtUp = true;
        }
        const problem = this.check(topic, side, data, side === 'key' ? rules.keyStrategy : rules.valueStrategy);
        if (problem !== null) {
          out.push({ batchIndex: r.index, message: `Record ${r.index}: its ${side} ${problem}` });
          break;
        }
      }
    }
    return out;
  }

  private unknownId(data: Buffer): boolean {
    return data.length >= 5 && data[0] === 0 && !this.registry.state.schemasById.has(data.readInt32BE(1));
  }

  private check(topic: string, side: 'key' | 'value', data: Buffer, strategy: string): string | null {
    if (data.length < 5 || data[0] !== 0) {
      return data.length > 0 && data[0] !== 0
        ? `does not start with the magic byte 0 of Confluent's wire format (found ${data[0]}); produce it with a schema-registry serializer`
        : `is ${data.length} bytes, too short for Confluent's wire format (magic byte 0 and a 4-byte schema id)`;
    }
    const id = data.readInt32BE(1);
    const stored = this.registry.state.schemasById.get(id);
    if (stored === undefined) return `names schema id ${id}, which the schema registry does not know`;
    const type = this.typeOf(id);
    const subject = subjectFor(topic, side, strategy, type, data.subarray(5));
    if (subject === null) return `names schema id ${id}, which is not a named record type as ${strategy} needs`;
    if (!this.isRegistered(subject, id)) return `names schema id ${id}, which is not registered under subject '${subject}'`;
    if (type === null) return null; // a schema we could not parse: the id is all we check
    const problem = payloadError(type, data.subarray(5));
    return problem === null ? null : `does not decode with schema id ${id}: ${problem}`;
  }

  private isRegistered(subject: string, id: number): boolean {
    const state = this.registry.state;
    if (this.cachedAt !== state.changes) {
      this.registered.clear();
      this.cachedAt = state.changes;
    }
    const key = `${subject}\n${id}`;
    let known = this.registered.get(key);
    if (known === undefined) this.registered.set(key, (known = state.versions(subject, false).some((v) => v.id === id)));
    return known;
  }

  private typeOf(id: number): ParsedSchema | null {
    let type = this.types.get(id);
    if (type !== undefined) return type;
    const stored = this.registry.state.schemasById.get(id);
    try {
      type = stored === undefined ? null : this.registry.parse(stored);
    } catch {
      type = null;
    }
    this.types.set(id, type);
    return type;
  }
}

function subjectFor(topic: string, side: 'key' | 'value', strategy: string, type: ParsedSchema | null, payload: Buffer): string | null {
  if (strategy === RECORD_NAME_STRATEGY || strategy === TOPIC_RECORD_NAME_STRATEGY) {
    const name = type === null ? undefined : recordName(type, payload);
    if (name === undefined) return null;
    return strategy === RECORD_NAME_STRATEGY ? name : `${topic}-${name}`;
  }
  return `${topic}-${side}`;
}
