/**
 * ApiVersions (key 18), v0-v4. The first request on every connection: the broker lists each API
 * it serves with the version range it implements, derived from the registry (so nothing is
 * advertised that is not implemented); the quorum's APIs only on a controller listener (api.ts's
 * `controllerOnly`).
 *
 * Versions: v1 adds throttle_time_ms; v3 (KIP-511) is flexible and carries the client's software
 * name/version, plus tagged supported/finalized features; v4 (KAFKA-17011) only changes how
 * features with min version 0 are listed. The response header is always v0 (request-processor).
 * A version above v4 is answered by the request processor with a v0-layout UNSUPPORTED_VERSION.
 *
 * Features (v3+, KIP-584): the supported ranges and finalized levels of metadata/features.ts, the
 * finalized features epoch being the metadata log offset they were read at, as Kafka's; `kafka-
 * features describe` and the admin client's describeFeatures read them here. Like Kafka, v3 leaves
 * out supported features whose range starts at 0 (KAFKA-17011).
 *
 * Errors: INVALID_REQUEST (42) when v3+ ClientSoftwareName/Version do not match Kafka's pattern.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import {
  apiVersionsRequestMeta,
  decodeApiVersionsRequest,
  type ApiVersionsRequest,
} from '../../protocol/generated/messages/api-versions-request.js';
import { encodeApiVersionsResponse, type ApiVersionsResponse } from '../../protocol/generated/messages/api-versions-response.js';
import { SUPPORTED_FEATURES } from '../../metadata/features.js';
import type { MetadataImage } from '../../metadata/metadata-image.js';
import { defineApi, servedOnListener, type AnyApiDefinition } from '../api.js';

const SOFTWARE_PATTERN = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

export function apiVersionsApi(listApis: () => readonly AnyApiDefinition[]): AnyApiDefinition {
  return defineApi<ApiVersionsRequest, ApiVersionsResponse>({
    meta: apiVersionsRequestMeta,
    minVersion: 0,
    maxVersion: 4,
    exclusive: false,
    decode: decodeApiVersionsRequest,
    encode: encodeApiVersionsResponse,
    handle(req, ctx) {
      const apiKeys = listApis()
        .filter((a) => servedOnListener(a, ctx.broker.settings, ctx.connection.listenerName))
        .map((a) => ({ apiKey: a.meta.apiKey, minVersion: a.minVersion, maxVersion: a.maxVersion }))
        .sort((a, b) => a.apiKey - b.apiKey);
      if (ctx.apiVersion >= 3 && !(SOFTWARE_PATTERN.test(req.clientSoftwareName ?? '') && SOFTWARE_PATTERN.test(req.clientSoftwareVersion ?? ''))) {
        return { errorCode: ErrorCode.INVALID_REQUEST, apiKeys, throttleTimeMs: 0 };
      }
      return { errorCode: ErrorCode.NONE, apiKeys, throttleTimeMs: 0, ...features(ctx.broker.image, ctx.apiVersion) };
    },
  });
}

function features(image: MetadataImage, version: number): Pick<ApiVersionsResponse, 'supportedFeatures' | 'finalizedFeaturesEpoch' | 'finalizedFeatures'> {
  return {
    supportedFeatures: [...SUPPORTED_FEATURES]
      .filter(([, [min]]) => version >= 4 || min > 0)
      .map(([name, [minVersion, maxVersion]]) => ({ name, minVersion, maxVersion })),
    finalizedFeaturesEpoch: BigInt(image.lastOffset),
    finalizedFeatures: [...image.finalizedFeatures].map(([name, level]) => ({ name, maxVersionLevel: level, minVersionLevel: level })),
  };
}
