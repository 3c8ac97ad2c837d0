import assert from 'node:assert/strict';
import { loadBrokerConfig } from '../config/index.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { ConfigResourceType, MetadataImage } from '../metadata/metadata-image.js';
import { AlterConfigOp, alterConfigsCommand, type AlterResourceSpec } from './config-control.js';
import { StaticConfigService } from './config-service.js';

function setup(): { image: MetadataImage; configs: StaticConfigService; run: (specs: AlterResourceSpec[], incremental?: boolean) => ReturnType<ReturnType<typeof alterConfigsCommand>> } {
  const image = new MetadataImage();
  image.replay({ type: 'topic', version: 0, data: { name: 't', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' } }, 0);
  const configs = new StaticConfigService(loadBrokerConfig({}), {
    perBroker: () => image.resourceConfig(ConfigResourceType.Broker, '1'),
    clusterDefault: () => image.resourceConfig(ConfigResourceType.Broker, ''),
  });
  let offset = 1;
  const run = (specs: AlterResourceSpec[], incremental = true) => {
    const r = alterConfigsCommand(specs, incremental, false, configs)(image);
    for (const rec of r.records) image.replay(rec, offset++);
    return r;
  };
  return { image, configs, run };
}

const topic = (configs: AlterResourceSpec['configs']): AlterResourceSpec => ({ resourceType: ConfigResourceType.Topic, resourceName: 't', configs });

describe('controller/config-control (AlterConfigs, IncrementalAlterConfigs)', () => {
  it('SET, DELETE, APPEND and SUBTRACT on a topic; APPEND starts from the default', () => {
    const { image, run } = setup();
    assert.equal(run([topic([{ name: 'retention.ms', op: AlterConfigOp.SET, value: '1000' }])]).response[0]?.errorCode, ErrorCode.NONE);
    run([topic([{ name: 'cleanup.policy', op: AlterConfigOp.APPEND, value: 'compact' }])]);
    assert.equal(image.topicConfig('t').get('cleanup.policy'), 'delete,compact');
    run([topic([{ name: 'cleanup.policy', op: AlterConfigOp.SUBTRACT, value: 'delete' }])]);
    assert.equal(image.topicConfig('t').get('cleanup.policy'), 'compact');
    run([topic([{ name: 'retention.ms', op: AlterConfigOp.DELETE, value: null }])]);
    assert.deepEqual([...image.topicConfig('t')], [['cleanup.policy', 'compact']]);
  });

  it('legacy AlterConfigs replaces the whole set', () => {
    const { image, run } = setup();
    run([topic([{ name: 'retention.ms', op: AlterConfigOp.SET, value: '1000' }, { name: 'segment.bytes', op: AlterConfigOp.SET, value: '2000' }])], false);
    run([topic([{ name: 'segment.bytes', op: AlterConfigOp.SET, value: '3000' }])], false);
    assert.deepEqual([...image.topicConfig('t')], [['segment.bytes', '3000']]);
  });

  it('answers Kafka\'s errors and changes nothing', () => {
    const { image, run } = setup();
    const cases: [AlterResourceSpec, number, RegExp][] = [
      [topic([{ name: 'retention.ms', op: AlterConfigOp.SET, value: 'x' }]), ErrorCode.INVALID_CONFIG, /retention\.ms/],
      [topic([{ name: 'retention.ms', op: AlterConfigOp.APPEND, value: '1' }]), ErrorCode.INVALID_CONFIG, /append is not allowed for config key: retention\.ms/],
      [topic([{ name: 'nope', op: AlterConfigOp.SET, value: '1' }]), ErrorCode.INVALID_CONFIG, /nope/],
      [topic([{ name: 'a', op: AlterConfigOp.SET, value: '1' }, { name: 'a', op: AlterConfigOp.DELETE, value: null }]), ErrorCode.INVALID_REQUEST, /duplicate/],
      [topic([{ name: 'retention.ms', op: 9, value: '1' }]), ErrorCode.INVALID_REQUEST, /operation/],
      [{ resourceType: ConfigResourceType.Topic, resourceName: 'missing', configs: [] }, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, /missing/],
      // Broker config problems are INVALID_REQUEST, in Kafka's words (asked of Apache Kafka 4.3.1).
      [{ resourceType: ConfigResourceType.Broker, resourceName: '1', configs: [{ name: 'log.dirs', op: AlterConfigOp.SET, value: '/x' }] }, ErrorCode.INVALID_REQUEST, /^Cannot update these configs dynamically: \[log\.dirs\]$/],
      [{ resourceType: ConfigResourceType.Broker, resourceName: '1', configs: [{ name: 'log.retention.ms', op: AlterConfigOp.SET, value: '/x' }] }, ErrorCode.INVALID_REQUEST, /^Invalid value \/x for configuration log\.retention\.ms: Not a number of type LONG$/],
      [{ resourceType: ConfigResourceType.Broker, resourceName: 'b', configs: [] }, ErrorCode.INVALID_REQUEST, /broker/],
      [{ resourceType: 99, resourceName: 'x', configs: [] }, ErrorCode.INVALID_REQUEST, /resource type/],
    ];
    for (const [spec, code, msg] of cases) {
      const r = run([spec]);
      assert.equal(r.records.length, 0);
      assert.equal(r.response[0]?.errorCode, code, JSON.stringify(spec));
      assert.match(r.response[0]?.errorMessage ?? '', msg);
    }
    assert.equal(image.topicConfig('t').size, 0);
  });

  it('broker layers: cluster default and per-broker values flow into topic describe with their sources', () => {
    const { configs, run } = setup();
    run([{ resourceType: ConfigResourceType.Broker, resourceName: '', configs: [{ name: 'log.retention.ms', op: AlterConfigOp.SET, value: '5000' }] }]);
    const rm = (): { value: string | null; source: number } | undefined => {
      const e = configs.describeTopic(new Map()).find((d) => d.name === 'retention.ms');
      return e === undefined ? undefined : { value: e.value, source: e.source };
    };
    assert.deepEqual(rm(), { value: '5000', source: 3 });
    run([{ resourceType: ConfigResourceType.Broker, resourceName: '1', configs: [{ name: 'log.retention.ms', op: AlterConfigOp.SET, value: '6000' }] }]);
    assert.deepEqual(rm(), { value: '6000', source: 2 });
    assert.equal(configs.topicValue('retention.ms', new Map()), 6000);
    run([{ resourceType: ConfigResourceType.Broker, resourceName: '1', configs: [{ name: 'log.retention.ms', op: AlterConfigOp.DELETE, value: null }] }]);
    assert.deepEqual(rm(), { value: '5000', source: 3 });
  });
});
