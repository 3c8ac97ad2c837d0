/** Forwarding writes to the leader: relayed as the leader answers, 50003 when it cannot be reached, 50004 with no leader. */
import assert from 'node:assert/strict';
import { listenHttp, type HttpRequest } from '../io/http-server.js';
import { leaderForwarder } from './forwarder.js';
import { RegistryError } from './errors.js';

const request = (headers: Record<string, string> = {}): HttpRequest => ({
  method: 'POST',
  path: '/subjects/s/versions',
  query: new URLSearchParams('normalize=true'),
  headers: new Map(Object.entries({ 'content-type': 'application/vnd.schemaregistry.v1+json', ...headers })),
  body: '{"schema":"\\"int\\""}',
});

describe('schema registry write forwarding', () => {
  it('relays the leader\'s answer, marking the request as forwarded', async () => {
    const seen: HttpRequest[] = [];
    const leader = await listenHttp('127.0.0.1', 0, async (req) => {
      seen.push(req);
      return { status: 409, contentType: 'application/vnd.schemaregistry.v1+json', body: '{"error_code":409,"message":"no"}' };
    });
    try {
      const forward = leaderForwarder({ leader: async () => ({ self: false, url: `http://127.0.0.1:${leader.port}` }) }, 5000);
      const answer = await forward(request(), 'register schema');
      assert.deepEqual(answer, { status: 409, contentType: 'application/vnd.schemaregistry.v1+json', body: '{"error_code":409,"message":"no"}' });
      assert.equal(seen[0]?.path, '/subjects/s/versions');
      assert.equal(seen[0]?.query.get('normalize'), 'true');
      assert.equal(seen[0]?.body, '{"schema":"\\"int\\""}');
      assert.equal(seen[0]?.headers.get('x-tributary-forwarded'), 'true');
    } finally {
      await leader.close();
    }
  });

  it('handles the request here when this instance leads or it was forwarded already', async () => {
    assert.equal(await leaderForwarder({ leader: async () => ({ self: true, url: 'http://127.0.0.1:1' }) }, 1000)(request(), 'register schema'), null);
    assert.equal(await leaderForwarder({ leader: async () => ({ self: false, url: 'http://127.0.0.1:1' }) }, 1000)(request({ 'x-tributary-forwarded': 'true' }), 'register schema'), null);
  });

  it('50003 when the leader cannot be reached, 50004 when no leader is known', async () => {
    const closed = await listenHttp('127.0.0.1', 0, async () => ({ status: 200, contentType: 'text/plain', body: '' }));
    const port = closed.port;
    await closed.close();
    await assert.rejects(leaderForwarder({ leader: async () => ({ self: false, url: `http://127.0.0.1:${port}` }) }, 1000)(request(), 'register schema'), (e: RegistryError) => e.status === 500 && e.errorCode === 50003 && /^Error while forwarding register schema request to the leader/.test(e.message));
    await assert.rejects(leaderForwarder({ leader: async () => null }, 1000)(request(), 'update config'), (e: RegistryError) => e.errorCode === 50004 && e.message === 'Leader not known.');
  });
});
