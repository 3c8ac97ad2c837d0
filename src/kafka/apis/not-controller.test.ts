/**
 * A client's controller request (CreateTopics, DeleteTopics, CreatePartitions, AlterConfigs,
 * IncrementalAlterConfigs) that reaches a node which is not the active controller after all (its
 * forwarding gave up, or leadership moved while the command waited): every item answers
 * NOT_CONTROLLER, as Kafka's do, and the client retries; the connection is not dropped.
 */
import assert from 'node:assert/strict';
import { Reader } from '../../protocol/codec/reader.js';
import { Writer } from '../../protocol/codec/writer.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { encodeCreateTopicsRequest } from '../../protocol/generated/messages/create-topics-request.js';
import { decodeCreateTopicsResponse } from '../../protocol/generated/messages/create-topics-response.js';
import { encodeDeleteTopicsRequest } from '../../protocol/generated/messages/delete-topics-request.js';
import { decodeDeleteTopicsResponse } from '../../protocol/generated/messages/delete-topics-response.js';
import { encodeCreatePartitionsRequest } from '../../protocol/generated/messages/create-partitions-request.js';
import { decodeCreatePartitionsResponse } from '../../protocol/generated/messages/create-partitions-response.js';
import { encodeAlterConfigsRequest } from '../../protocol/generated/messages/alter-configs-request.js';
import { decodeAlterConfigsResponse } from '../../protocol/generated/messages/alter-configs-response.js';
import { encodeIncrementalAlterConfigsRequest } from '../../protocol/generated/messages/incremental-alter-configs-request.js';
import { decodeIncrementalAlterConfigsResponse } from '../../protocol/generated/messages/incremental-alter-configs-response.js';
import { NotControllerError } from '../../controller/controller.js';
import { MetadataImage } from '../../metadata/metadata-image.js';
import type { AnyApiDefinition } from '../api.js';
import type { BrokerServices, RequestContext } from '../context.js';
import { createRegistry } from '../registry.js';

/** A broker whose controller is led elsewhere (node 2). */
const broker = {
  image: new MetadataImage(),
  controller: { run: () => Promise.reject(new NotControllerError(2)), isActive: false },
  settings: { nodeId: 1, defaultNumPartitions: 1, defaultReplicationFactor: 1, deleteTopicEnable: true },
  configs: { validateTopicConfig: () => null, describeTopic: () => [] },
} as unknown as BrokerServices;

async function call<Req, Res>(apiKey: number, version: number, encode: (w: Writer, v: number, m: Req) => void, decode: (r: Reader, v: number) => Res, req: Req): Promise<Res> {
  const api = createRegistry().get(apiKey) as AnyApiDefinition;
  const w = new Writer(64);
  encode(w, version, req);
  const ctx: RequestContext = { apiVersion: version, correlationId: 1, clientId: 'c', connection: undefined as never, broker };
  const res = await api.handle(api.decode(new Reader(w.toBuffer()) as never, version), ctx);
  const out = new Writer(64);
  api.encode(out, version, res as never);
  return decode(new Reader(out.toBuffer()), version);
}

describe('controller requests on a node that is not the active controller', () => {
  it('answer NOT_CONTROLLER for every topic or resource', async () => {
    const created = await call(ApiKey.CreateTopics, 7, encodeCreateTopicsRequest, decodeCreateTopicsResponse, { topics: [{ name: 'a', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }, { name: 'b', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false });
    assert.deepEqual(created.topics.map((t) => [t.name, t.errorCode]), [['a', ErrorCode.NOT_CONTROLLER], ['b', ErrorCode.NOT_CONTROLLER]]);
    const deleted = await call(ApiKey.DeleteTopics, 4, encodeDeleteTopicsRequest, decodeDeleteTopicsResponse, { topicNames: ['a'], timeoutMs: 1000 });
    assert.deepEqual(deleted.responses.map((t) => [t.name, t.errorCode]), [['a', ErrorCode.NOT_CONTROLLER]]);
    const grown = await call(ApiKey.CreatePartitions, 3, encodeCreatePartitionsRequest, decodeCreatePartitionsResponse, { topics: [{ name: 'a', count: 2, assignments: null }], timeoutMs: 1000, validateOnly: false });
    assert.deepEqual(grown.results.map((t) => [t.name, t.errorCode]), [['a', ErrorCode.NOT_CONTROLLER]]);
    const altered = await call(ApiKey.AlterConfigs, 2, encodeAlterConfigsRequest, decodeAlterConfigsResponse, { resources: [{ resourceType: 2, resourceName: 'a', configs: [{ name: 'retention.ms', value: '1' }] }], validateOnly: false });
    assert.deepEqual(altered.responses.map((r) => [r.resourceName, r.errorCode]), [['a', ErrorCode.NOT_CONTROLLER]]);
    const inc = await call(ApiKey.IncrementalAlterConfigs, 1, encodeIncrementalAlterConfigsRequest, decodeIncrementalAlterConfigsResponse, { resources: [{ resourceType: 2, resourceName: 'a', configs: [{ name: 'retention.ms', configOperation: 0, value: '1' }] }], validateOnly: false });
    assert.deepEqual(inc.responses.map((r) => [r.resourceName, r.errorCode]), [['a', ErrorCode.NOT_CONTROLLER]]);
  });
});
