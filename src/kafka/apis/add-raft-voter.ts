/**
 * AddRaftVoter (key 80), v0-v1 (KIP-853): adds a controller to the metadata quorum's voters, as
 * `kafka-metadata-quorum add-controller` asks. The quorum's leader appends a VotersRecord with the
 * new voter (its directory id and listeners) once the new controller is a caught-up observer, and
 * answers when it commits. Served on controller listeners; a broker forwards it to the active
 * controller (Kafka's forwardToControllerOrFail).
 *
 * Versions: v1 AckWhenCommitted (answer at once when false: we always answer on commit, which v1
 * clients asking for an early answer accept too).
 *
 * Errors: raft-voter-change.ts; DUPLICATE_VOTER (126); REQUEST_TIMED_OUT (7) when a change is
 * pending or the voter is not caught up; UNSUPPORTED_VERSION (35) for a static quorum.
 */
import { addRaftVoterRequestMeta, decodeAddRaftVoterRequest, type AddRaftVoterRequest } from '../../protocol/generated/messages/add-raft-voter-request.js';
import { encodeAddRaftVoterResponse, type AddRaftVoterResponse } from '../../protocol/generated/messages/add-raft-voter-response.js';
import { ZERO_UUID } from '../../protocol/codec/uuid.js';
import { defineApi } from '../api.js';
import { changeVoters } from './raft-voter-change.js';

export const addRaftVoterApi = defineApi<AddRaftVoterRequest, AddRaftVoterResponse>({
  meta: addRaftVoterRequestMeta,
  minVersion: 0,
  maxVersion: 1,
  exclusive: false,
  forwardToController: true,
  decode: decodeAddRaftVoterRequest,
  encode: encodeAddRaftVoterResponse,
  async handle(req, ctx) {
    const voter = { id: req.voterId, directoryId: req.voterDirectoryId === ZERO_UUID ? '' : req.voterDirectoryId };
    const endpoints = req.listeners.map((l) => ({ name: l.name, host: l.host, port: l.port }));
    const answer = await changeVoters(ctx, req.clusterId, req.timeoutMs, (q) => q.addVoter(voter, endpoints));
    return { throttleTimeMs: 0, errorCode: answer.errorCode, errorMessage: answer.errorMessage ?? null };
  },
});
