/**
 * RemoveRaftVoter (key 81), v0 (KIP-853): removes a controller (node id and directory id) from
 * the metadata quorum's voters, as `kafka-metadata-quorum remove-controller` asks. The leader
 * appends a VotersRecord without it and answers when that commits; a leader that removed itself
 * resigns then. Served on controller listeners; a broker forwards it to the active controller.
 *
 * Errors: raft-voter-change.ts; VOTER_NOT_FOUND (127); INVALID_REQUEST (42) for the last voter;
 * REQUEST_TIMED_OUT (7) while another change is pending; UNSUPPORTED_VERSION (35) for a static quorum.
 */
import { decodeRemoveRaftVoterRequest, removeRaftVoterRequestMeta, type RemoveRaftVoterRequest } from '../../protocol/generated/messages/remove-raft-voter-request.js';
import { encodeRemoveRaftVoterResponse, type RemoveRaftVoterResponse } from '../../protocol/generated/messages/remove-raft-voter-response.js';
import { ZERO_UUID } from '../../protocol/codec/uuid.js';
import { defineApi } from '../api.js';
import { changeVoters } from './raft-voter-change.js';

export const removeRaftVoterApi = defineApi<RemoveRaftVoterRequest, RemoveRaftVoterResponse>({
  meta: removeRaftVoterRequestMeta,
  minVersion: 0,
  maxVersion: 0,
  exclusive: false,
  forwardToController: true,
  decode: decodeRemoveRaftVoterRequest,
  encode: encodeRemoveRaftVoterResponse,
  async handle(req, ctx) {
    const voter = { id: req.voterId, directoryId: req.voterDirectoryId === ZERO_UUID ? '' : req.voterDirectoryId };
    const answer = await changeVoters(ctx, req.clusterId, 0, (q) => q.removeVoter(voter));
    return { throttleTimeMs: 0, errorCode: answer.errorCode, errorMessage: answer.errorMessage ?? null };
  },
});
