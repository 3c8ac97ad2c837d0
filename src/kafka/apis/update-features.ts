/**
 * UpdateFeatures (key 57), v0-v2: finalizes feature levels (`kafka-features upgrade|downgrade`,
 * the admin client's updateFeatures), a controller request: a broker forwards it to the active
 * controller, which validates every update against its own and each registered broker's supported
 * ranges and writes FeatureLevelRecords (controller/feature-update.ts).
 *
 * Versions: v0 allow_downgrade (true: a safe downgrade); v1 upgrade_type (1 upgrade, 2 safe
 * downgrade, 3 unsafe downgrade) and validate_only; v2 answers no per-feature results (as Kafka's,
 * whose v0-v1 success lists each feature with NONE).
 *
 * Errors: INVALID_UPDATE_VERSION (95) at the top level when any update is refused (no update is
 * applied), the message naming the feature, the level and the supported range; NOT_CONTROLLER
 * when no active controller could be reached.
 */
import { decodeUpdateFeaturesRequest, updateFeaturesRequestMeta, type UpdateFeaturesRequest } from '../../protocol/generated/messages/update-features-request.js';
import { encodeUpdateFeaturesResponse, type UpdateFeaturesResponse } from '../../protocol/generated/messages/update-features-response.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { UpgradeType, updateFeaturesCommand } from '../../controller/feature-update.js';
import { NotControllerError } from '../../controller/controller.js';
import { defineApi } from '../api.js';

const PER_FEATURE_RESULTS_MAX_VERSION = 1;

export const updateFeaturesApi = defineApi<UpdateFeaturesRequest, UpdateFeaturesResponse>({
  meta: updateFeaturesRequestMeta,
  minVersion: 0,
  maxVersion: 2,
  exclusive: true,
  forwardToController: true,
  decode: decodeUpdateFeaturesRequest,
  encode: encodeUpdateFeaturesResponse,
  async handle(req, ctx) {
    const updates = req.featureUpdates.map((u) => ({
      feature: u.feature,
      maxVersionLevel: u.maxVersionLevel,
      upgradeType: ctx.apiVersion === 0 ? (u.allowDowngrade === true ? UpgradeType.SafeDowngrade : UpgradeType.Upgrade) : (u.upgradeType ?? UpgradeType.Upgrade),
    }));
    let outcome;
    try {
      outcome = await ctx.broker.controller.run(updateFeaturesCommand(updates, req.validateOnly ?? false, ctx.broker.settings.nodeId));
    } catch (e) {
      if (!(e instanceof NotControllerError)) throw e;
      return { throttleTimeMs: 0, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: e.message, results: [] };
    }
    const perFeature = outcome.errorCode === ErrorCode.NONE && ctx.apiVersion <= PER_FEATURE_RESULTS_MAX_VERSION;
    return {
      throttleTimeMs: 0,
      errorCode: outcome.errorCode,
      errorMessage: outcome.errorMessage,
      results: perFeature ? updates.map((u) => ({ feature: u.feature, errorCode: ErrorCode.NONE, errorMessage: null })) : [],
    };
  },
});
