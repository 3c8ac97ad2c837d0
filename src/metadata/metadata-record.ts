/**
 * KRaft metadata records as they sit in the metadata log: Kafka's MetadataRecordSerde framing
 * (uvarint frame version 1, uvarint record api key, uvarint record version, then the record body).
 * The same bytes are what a later Raft quorum replicates and what Kafka's own tools decode.
 */
import { Reader } from '../protocol/codec/reader.js';
import { Writer } from '../protocol/codec/writer.js';
import { DecodeError } from '../protocol/codec/decode-error.js';
import * as topic from '../protocol/generated/metadata/topic-record.js';
import * as partition from '../protocol/generated/metadata/partition-record.js';
import * as config from '../protocol/generated/metadata/config-record.js';
import * as removeTopic from '../protocol/generated/metadata/remove-topic-record.js';
import * as partitionChange from '../protocol/generated/metadata/partition-change-record.js';
import * as featureLevel from '../protocol/generated/metadata/feature-level-record.js';
import * as noOp from '../protocol/generated/metadata/no-op-record.js';
import * as producerIds from '../protocol/generated/metadata/producer-ids-record.js';
import * as registerBroker from '../protocol/generated/metadata/register-broker-record.js';
import * as fenceBroker from '../protocol/generated/metadata/fence-broker-record.js';
import * as unfenceBroker from '../protocol/generated/metadata/unfence-broker-record.js';
import * as brokerRegistrationChange from '../protocol/generated/metadata/broker-registration-change-record.js';

const FRAME_VERSION = 1;

export type MetadataRecord =
  | { type: 'topic'; version: number; data: topic.TopicRecord }
  | { type: 'partition'; version: number; data: partition.PartitionRecord }
  | { type: 'config'; version: number; data: config.ConfigRecord }
  | { type: 'removeTopic'; version: number; data: removeTopic.RemoveTopicRecord }
  | { type: 'partitionChange'; version: number; data: partitionChange.PartitionChangeRecord }
  | { type: 'featureLevel'; version: number; data: featureLevel.FeatureLevelRecord }
  | { type: 'noOp'; version: number; data: noOp.NoOpRecord }
  | { type: 'producerIds'; version: number; data: producerIds.ProducerIdsRecord }
  | { type: 'registerBroker'; version: number; data: registerBroker.RegisterBrokerRecord }
  | { type: 'fenceBroker'; version: number; data: fenceBroker.FenceBrokerRecord }
  | { type: 'unfenceBroker'; version: number; data: unfenceBroker.UnfenceBrokerRecord }
  | { type: 'brokerRegistrationChange'; version: number; data: brokerRegistrationChange.BrokerRegistrationChangeRecord };

interface Codec {
  type: MetadataRecord['type'];
  decode(r: Reader, v: number): unknown;
  encode(w: Writer, v: number, m: never): void;
}

const CODECS = new Map<number, Codec>([
  [topic.topicRecordMeta.apiKey, { type: 'topic', decode: topic.decodeTopicRecord, encode: topic.encodeTopicRecord }],
  [partition.partitionRecordMeta.apiKey, { type: 'partition', decode: partition.decodePartitionRecord, encode: partition.encodePartitionRecord }],
  [config.configRecordMeta.apiKey, { type: 'config', decode: config.decodeConfigRecord, encode: config.encodeConfigRecord }],
  [removeTopic.removeTopicRecordMeta.apiKey, { type: 'removeTopic', decode: removeTopic.decodeRemoveTopicRecord, encode: removeTopic.encodeRemoveTopicRecord }],
  [partitionChange.partitionChangeRecordMeta.apiKey, { type: 'partitionChange', decode: partitionChange.decodePartitionChangeRecord, encode: partitionChange.encodePartitionChangeRecord }],
  [featureLevel.featureLevelRecordMeta.apiKey, { type: 'featureLevel', decode: featureLevel.decodeFeatureLevelRecord, encode: featureLevel.encodeFeatureLevelRecord }],
  [noOp.noOpRecordMeta.apiKey, { type: 'noOp', decode: noOp.decodeNoOpRecord, encode: noOp.encodeNoOpRecord }],
  [producerIds.producerIdsRecordMeta.apiKey, { type: 'producerIds', decode: producerIds.decodeProducerIdsRecord, encode: producerIds.encodeProducerIdsRecord }],
  [registerBroker.registerBrokerRecordMeta.apiKey, { type: 'registerBroker', decode: registerBroker.decodeRegisterBrokerRecord, encode: registerBroker.encodeRegisterBrokerRecord }],
  [fenceBroker.fenceBrokerRecordMeta.apiKey, { type: 'fenceBroker', decode: fenceBroker.decodeFenceBrokerRecord, encode: fenceBroker.encodeFenceBrokerRecord }],
  [unfenceBroker.unfenceBrokerRecordMeta.apiKey, { type: 'unfenceBroker', decode: unfenceBroker.decodeUnfenceBrokerRecord, encode: unfenceBroker.encodeUnfenceBrokerRecord }],
  [brokerRegistrationChange.brokerRegistrationChangeRecordMeta.apiKey, { type: 'brokerRegistrationChange', decode: brokerRegistrationChange.decodeBrokerRegistrationChangeRecord, encode: brokerRegistrationChange.encodeBrokerRegistrationChangeRecord }],
]);
const API_KEY_BY_TYPE = new Map([...CODECS].map(([key, c]) => [c.type, key]));

export function encodeMetadataRecord(record: MetadataRecord): Buffer {
  const apiKey = API_KEY_BY_TYPE.get(record.type);
  const codec = apiKey === undefined ? undefined : CODECS.get(apiKey);
  if (apiKey === undefined || codec === undefined) throw new Error(`no codec for metadata record ${record.type}`);
  const w = new Writer(64);
  w.writeUVarint(FRAME_VERSION);
  w.writeUVarint(apiKey);
  w.writeUVarint(record.version);
  codec.encode(w, record.version, record.data as never);
  return w.toBuffer();
}

export function decodeMetadataRecord(bytes: Buffer): MetadataRecord {
  const r = new Reader(bytes);
  const frame = r.readUVarint();
  if (frame !== FRAME_VERSION) throw new DecodeError(`metadata record frame version ${frame} is not ${FRAME_VERSION}`);
  const apiKey = r.readUVarint();
  const version = r.readUVarint();
  const codec = CODECS.get(apiKey);
  if (codec === undefined) throw new DecodeError(`unknown metadata record type ${apiKey}`);
  return { type: codec.type, version, data: codec.decode(r, version) } as MetadataRecord;
}
