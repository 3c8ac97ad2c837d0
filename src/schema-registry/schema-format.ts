/**
 * The three schema formats Confluent's registry knows, behind one interface: parsing a schema
 * text (with its references' texts by reference name), its stored form, "can `reader` read what
 * `writer` wrote" in Confluent's words, and whether a payload (after the magic byte and the id)
 * is a datum of the schema.
 */
import { AvroParseError, avroDecodeError, parseAvro, type ParsedAvro } from './avro.js';
import { describeIncompatibility, readerWriterIncompatibilities } from './avro-compatibility.js';
import { jsonIncompatibilities } from './json-compatibility.js';
import { JsonSchemaParseError, jsonPayloadError, parseJsonSchema, type ParsedJson } from './json-schema.js';
import { protobufIncompatibilities } from './protobuf-compatibility.js';
import { messageAt, ProtobufParseError, protobufPayloadError, parseProtobuf, type ParsedProtobuf } from './protobuf-schema.js';

/** The answer of GET /schemas/types, in Confluent's order. */
export const SCHEMA_TYPES = ['JSON', 'PROTOBUF', 'AVRO'] as const;

export type ParsedSchema = (ParsedAvro & { readonly schemaType: 'AVRO' }) | ParsedJson | ParsedProtobuf;

export interface NamedText {
  readonly name: string;
  readonly schema: string;
}

export class SchemaParseError extends Error {}

/** Parses `text` as `schemaType`; throws SchemaParseError with the format's reason. */
export function parseSchema(schemaType: string, text: string, references: readonly NamedText[], normalize = false): ParsedSchema {
  try {
    switch (schemaType) {
      case 'AVRO':
        return { ...parseAvro(text, references.map((r) => r.schema)), schemaType: 'AVRO' };
      case 'JSON':
        return parseJsonSchema(text, references, normalize);
      case 'PROTOBUF':
        return parseProtobuf(text, references, normalize);
      default:
        throw new SchemaParseError(`unknown schema type ${schemaType}`);
    }
  } catch (e) {
    if (e instanceof AvroParseError || e instanceof JsonSchemaParseError || e instanceof ProtobufParseError) throw new SchemaParseError(e.message);
    throw e;
  }
}

/**
 * Why `reader` cannot read data written with `writer` (Confluent's `reader.isBackwardCompatible(
 * writer)`), each message with readerWord/writerWord in the roles; empty when it can.
 */
export function incompatibilities(reader: ParsedSchema, writer: ParsedSchema, readerWord: string, writerWord: string): string[] {
  if (reader.schemaType !== writer.schemaType) return ['Incompatible because of different schema type'];
  if (reader.schemaType === 'AVRO' && writer.schemaType === 'AVRO') {
    return readerWriterIncompatibilities(reader.type, writer.type).map((i) => describeIncompatibility(i, readerWord, writerWord));
  }
  if (reader.schemaType === 'JSON' && writer.schemaType === 'JSON') return jsonIncompatibilities(reader, writer, readerWord, writerWord);
  if (reader.schemaType === 'PROTOBUF' && writer.schemaType === 'PROTOBUF') return protobufIncompatibilities(reader, writer, readerWord, writerWord);
  return [];
}

/** Null when `payload` is one datum of the schema, else the reason. */
export function payloadError(parsed: ParsedSchema, payload: Buffer): string | null {
  switch (parsed.schemaType) {
    case 'AVRO':
      return avroDecodeError(parsed.type, payload);
    case 'JSON':
      return jsonPayloadError(parsed, payload);
    case 'PROTOBUF':
      return protobufPayloadError(parsed, payload);
  }
}

/**
 * The record name RecordNameStrategy uses: Avro's full name, a JSON schema's title, the full name
 * of the Protobuf message the payload's message indexes name (without a payload: the first one).
 */
export function recordName(parsed: ParsedSchema, payload?: Buffer): string | undefined {
  switch (parsed.schemaType) {
    case 'AVRO':
      return parsed.type.name;
    case 'JSON': {
      const title = typeof parsed.json === 'object' && parsed.json !== null ? (parsed.json as Record<string, unknown>)['title'] : undefined;
      return typeof title === 'string' ? title : undefined;
    }
    case 'PROTOBUF': {
      const at = payload === undefined ? null : messageAt(parsed, payload);
      if (at !== null) return typeof at === 'string' ? undefined : at.type.fullName.replace(/^\./, '');
      const first = parsed.types.find((t) => 'fieldsArray' in t);
      return first === undefined ? undefined : first.fullName.replace(/^\./, '');
    }
  }
}
