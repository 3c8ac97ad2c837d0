/**
 * Config changes for the controller: AlterConfigs (replace a resource's whole set of explicit
 * configs) and IncrementalAlterConfigs (SET, DELETE, APPEND, SUBTRACT per key), for TOPIC and
 * BROKER resources. Each resource is validated on its own, as Kafka's ConfigurationControlManager
 * does; a valid one becomes ConfigRecords (value null = delete), which the broker applies live when
 * they are replayed (and replays again after a restart).
 *
 * BROKER resources: name '' is the cluster-wide default layer, a node id the per-broker layer; only
 * keys Kafka can update dynamically are accepted (read-only keys answer INVALID_REQUEST "Cannot update
 * these configs dynamically: [key]", as Apache Kafka 4.3.1 does), so log.* defaults that topics
 * inherit can be changed live.
 *
 * Errors per resource: INVALID_CONFIG (40) for an unknown topic key, a bad topic value, APPEND/SUBTRACT
 * on a non-list key; INVALID_REQUEST (42) for a bad or read-only broker key or value (Kafka 4.3.1
 * answers every broker config problem so), duplicate keys, an unknown operation, a resource type
 * other than TOPIC/BROKER or a bad broker id;
 * UNKNOWN_TOPIC_OR_PARTITION (3) for a missing topic; INVALID_TOPIC_EXCEPTION (17) for a bad name.
 */
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { ConfigResourceType, type MetadataImage } from '../metadata/metadata-image.js';
import type { MetadataRecord } from '../metadata/metadata-record.js';
import type { ConfigService } from './config-service.js';
import type { ControllerResult } from './controller.js';
import { topicNameProblem } from './topic-names.js';

/** Kafka's AlterConfigOp.OpType codes. */
export const AlterConfigOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

export interface ConfigAlteration {
  name: string;
  /** AlterConfigOp code; the legacy AlterConfigs API uses SET for every entry. */
  op: number;
  value: string | null;
}

export interface AlterResourceSpec {
  resourceType: number;
  resourceName: string;
  configs: readonly ConfigAlteration[];
}

export interface AlterOutcome {
  resourceType: number;
  resourceName: string;
  errorCode: number;
  errorMessage: string | null;
}

class ConfigError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * `incremental` false is the legacy AlterConfigs: keys not named are removed (the request is the
 * resource's whole new set of explicit configs).
 */
export function alterConfigsCommand(specs: readonly AlterResourceSpec[], incremental: boolean, validateOnly: boolean, configs: ConfigService) {
  return (image: MetadataImage): ControllerResult<AlterOutcome[]> => {
    const records: MetadataRecord[] = [];
    const response = specs.map((spec): AlterOutcome => {
      try {
        const planned = planResource(spec, incremental, image, configs);
        if (!validateOnly) records.push(...planned);
        return { resourceType: spec.resourceType, resourceName: spec.resourceName, errorCode: ErrorCode.NONE, errorMessage: null };
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        return { resourceType: spec.resourceType, resourceName: spec.resourceName, errorCode: e.code, errorMessage: e.message };
      }
    });
    return { records, response };
  };
}

function planResource(spec: AlterResourceSpec, incremental: boolean, image: MetadataImage, configs: ConfigService): MetadataRecord[] {
  checkResource(spec, image);
  const seen = new Set<string>();
  for (const c of spec.configs) {
    if (seen.has(c.name)) throw new ConfigError(ErrorCode.INVALID_REQUEST, `Error due to duplicate config keys: ${c.name}`);
    seen.add(c.name);
  }
  const current = image.resourceConfig(spec.resourceType, spec.resourceName);
  const next = new Map<string, string>(incremental ? current : []);
  for (const c of spec.configs) applyOp(spec.resourceType, c, next, configs);
  for (const [name, value] of next) {
    if (current.get(name) === value) continue;
    const problem = validate(spec.resourceType, name, value, configs);
    // Kafka's controller refuses a broker config change as an invalid request (its dynamic broker
    // config validation throws InvalidRequestException), a topic config as an invalid config.
    if (problem !== null) throw new ConfigError(spec.resourceType === ConfigResourceType.Topic ? ErrorCode.INVALID_CONFIG : ErrorCode.INVALID_REQUEST, problem);
  }
  const records: MetadataRecord[] = [];
  const config = (name: string, value: string | null): MetadataRecord => ({
    type: 'config',
    version: 0,
    data: { resourceType: spec.resourceType, resourceName: spec.resourceName, name, value },
  });
  for (const [name, value] of next) if (current.get(name) !== value) records.push(config(name, value));
  for (const name of current.keys()) if (!next.has(name)) records.push(config(name, null));
  return records;
}

function checkResource(spec: AlterResourceSpec, image: MetadataImage): void {
  if (spec.resourceType === ConfigResourceType.Topic) {
    const problem = topicNameProblem(spec.resourceName);
    if (problem !== null) throw new ConfigError(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
    if (!image.topicsByName.has(spec.resourceName)) throw new ConfigError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${spec.resourceName}' does not exist.`);
  } else if (spec.resourceType === ConfigResourceType.Broker) {
    if (spec.resourceName !== '' && !/^\d{1,10}$/.test(spec.resourceName)) {
      throw new ConfigError(ErrorCode.INVALID_REQUEST, `Invalid broker name ${spec.resourceName}`);
    }
  } else {
    throw new ConfigError(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${spec.resourceType}`);
  }
}

function applyOp(resourceType: number, c: ConfigAlteration, next: Map<string, string>, configs: ConfigService): void {
  switch (c.op) {
    case AlterConfigOp.SET:
      if (c.value === null) next.delete(c.name);
      else next.set(c.name, c.value);
      return;
    case AlterConfigOp.DELETE:
      next.delete(c.name);
      return;
    case AlterConfigOp.APPEND:
    case AlterConfigOp.SUBTRACT: {
      const info = configs.keyInfo(resourceType, c.name);
      if (info === undefined) throw new ConfigError(ErrorCode.INVALID_CONFIG, unknownKey(resourceType, c.name));
      const verb = c.op === AlterConfigOp.APPEND ? 'append' : 'subtract';
      if (info.type !== 'LIST') throw new ConfigError(ErrorCode.INVALID_CONFIG, `Config value ${verb} is not allowed for config key: ${c.name}`);
      // Kafka's ConfigurationControlManager: the base is the explicit value, else the key's default.
      const base = splitList(next.get(c.name) ?? info.defaultValue ?? '');
      const items = splitList(c.value ?? '');
      const result = c.op === AlterConfigOp.APPEND ? [...base, ...items.filter((i) => !base.includes(i))] : base.filter((i) => !items.includes(i));
      next.set(c.name, result.join(','));
      return;
    }
    default:
      throw new ConfigError(ErrorCode.INVALID_REQUEST, `Unknown alter config operation ${c.op} for ${c.name}`);
  }
}

function validate(resourceType: number, name: string, value: string, configs: ConfigService): string | null {
  return resourceType === ConfigResourceType.Topic ? configs.validateTopicConfig(name, value) : configs.validateBrokerConfig(name, value);
}

function unknownKey(resourceType: number, name: string): string {
  return resourceType === ConfigResourceType.Topic ? `Unknown topic config name: ${name}` : `Unknown broker config name: ${name}`;
}

function splitList(s: string): string[] {
  return s.split(',').map((x) => x.trim()).filter((x) => x !== '');
}
