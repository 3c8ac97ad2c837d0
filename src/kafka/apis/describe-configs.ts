/**
 * DescribeConfigs (key 32), v0-v4: a topic's or a broker's configs with their sources.
 *
 * Versions: v1 synonyms and config source (replacing is_default); v2 same as v1; v3 config type
 * and documentation; v4 flexible.
 *
 * Errors per resource: UNKNOWN_TOPIC_OR_PARTITION (3), INVALID_TOPIC_EXCEPTION (17),
 * INVALID_REQUEST (42) for a resource type we do not describe or another broker's id.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { decodeDescribeConfigsRequest, describeConfigsRequestMeta, type DescribeConfigsRequest, type DescribeConfigsResource } from '../../protocol/generated/messages/describe-configs-request.js';
import { encodeDescribeConfigsResponse, type DescribeConfigsResponse, type DescribeConfigsResult } from '../../protocol/generated/messages/describe-configs-response.js';
import { ConfigResourceType } from '../../metadata/metadata-image.js';
import type { DescribedConfig } from '../../controller/config-service.js';
import { topicNameProblem } from '../../controller/topic-names.js';
import { defineApi } from '../api.js';
import type { RequestContext } from '../context.js';

export const describeConfigsApi = defineApi<DescribeConfigsRequest, DescribeConfigsResponse>({
  meta: describeConfigsRequestMeta,
  minVersion: 0,
  maxVersion: 4,
  exclusive: false,
  decode: decodeDescribeConfigsRequest,
  encode: encodeDescribeConfigsResponse,
  handle(req, ctx) {
    return { throttleTimeMs: 0, results: req.resources.map((r) => describeResource(r, req, ctx)) };
  },
});

function describeResource(r: DescribeConfigsResource, req: DescribeConfigsRequest, ctx: RequestContext): DescribeConfigsResult {
  const fail = (errorCode: number, errorMessage: string): DescribeConfigsResult => ({ errorCode, errorMessage, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] });
  let entries: DescribedConfig[];
  if (r.resourceType === ConfigResourceType.Topic) {
    const problem = topicNameProblem(r.resourceName);
    if (problem !== null) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
    if (!ctx.broker.image.topicsByName.has(r.resourceName)) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${r.resourceName}' does not exist.`);
    entries = ctx.broker.configs.describeTopic(ctx.broker.image.topicConfig(r.resourceName));
  } else if (r.resourceType === ConfigResourceType.Broker) {
    if (r.resourceName !== '' && r.resourceName !== String(ctx.broker.settings.nodeId)) {
      return fail(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${ctx.broker.settings.nodeId} or empty string, but received ${r.resourceName}`);
    }
    entries = ctx.broker.configs.describeBroker();
  } else {
    return fail(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${r.resourceType}`);
  }
  const wanted = r.configurationKeys === null ? null : new Set(r.configurationKeys);
  const includeSynonyms = req.includeSynonyms ?? false;
  const configs = entries
    .filter((e) => wanted === null || wanted.has(e.name))
    .map((e) => ({
      name: e.name,
      value: e.isSensitive ? null : e.value,
      readOnly: e.readOnly,
      isDefault: e.isDefault,
      configSource: e.source,
      isSensitive: e.isSensitive,
      synonyms: includeSynonyms ? e.synonyms : [],
      configType: e.configType,
      documentation: (req.includeDocumentation ?? false) ? e.documentation : null,
    }));
  return { errorCode: ErrorCode.NONE, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName, configs };
}
