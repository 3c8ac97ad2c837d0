/**
 * Followers send writes to the elected leader (Confluent's request forwarding): the leader's
 * answer is relayed as it is, status and body. A request a follower already forwarded is handled
 * where it lands (marked by a header), so two instances that briefly disagree about the leader
 * never bounce a request between them.
 */
import { httpCall } from '../io/http-client.js';
import type { HttpRequest, HttpResponse } from '../io/http-server.js';
import * as E from './errors.js';
import type { LeaderElection } from './leader-election.js';
import type { WriteForwarder } from './rest.js';

const FORWARDED_HEADER = 'x-tributary-forwarded';

export function leaderForwarder(election: Pick<LeaderElection, 'leader'>, timeoutMs: number): WriteForwarder {
  return async (req: HttpRequest, operation: string): Promise<HttpResponse | null> => {
    if (req.headers.get(FORWARDED_HEADER) !== undefined) return null;
    const leader = await election.leader(timeoutMs);
    if (leader === null) throw E.unknownLeader();
    if (leader.self) return null;
    const query = req.query.toString();
    try {
      const answer = await httpCall({
        method: req.method,
        url: `${leader.url}${req.path}${query === '' ? '' : `?${query}`}`,
        headers: { 'Content-Type': req.headers.get('content-type') ?? 'application/vnd.schemaregistry.v1+json', [FORWARDED_HEADER]: 'true' },
        body: req.body,
        timeoutMs,
      });
      return answer;
    } catch (e) {
      throw E.forwardingFailed(`Error while forwarding ${operation} request to the leader (${e instanceof Error ? e.message : String(e)})`);
    }
  };
}
