/** The HTTP seam: answers what the handler says, 500 when it throws, and close() ends keep-alive connections. */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { listenHttp } from './http-server.js';

describe('listenHttp', () => {
  it('serves the handler\'s answer on a free port, answers 500 when the handler throws, and keeps serving', async () => {
    const l = await listenHttp('127.0.0.1', 0, async (req) => {
      if (req.path === '/boom') throw new Error('bug');
      return { status: 200, contentType: 'text/plain', body: `${req.method} ${req.path}` };
    });
    try {
      assert.ok(l.port > 0);
      const ok = await fetch(`http://127.0.0.1:${l.port}/metrics?x=1`);
      assert.equal(ok.status, 200);
      assert.equal(await ok.text(), 'GET /metrics');
      const boom = await fetch(`http://127.0.0.1:${l.port}/boom`);
      assert.equal(boom.status, 500);
      assert.match(await boom.text(), /bug/);
      assert.equal((await fetch(`http://127.0.0.1:${l.port}/`)).status, 200);
    } finally {
      await l.close();
    }
  });

  it('hands the handler the query, lower-cased headers and the body', async () => {
    const l = await listenHttp('127.0.0.1', 0, async (req) => ({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ method: req.method, path: req.path, deleted: req.query.get('deleted'), type: req.headers.get('content-type'), body: req.body }),
    }));
    try {
      const res = await fetch(`http://127.0.0.1:${l.port}/subjects/a%2Fb/versions?deleted=true`, { method: 'POST', headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' }, body: '{"schema":"\"int\""}' });
      assert.deepEqual(await res.json(), { method: 'POST', path: '/subjects/a%2Fb/versions', deleted: 'true', type: 'application/vnd.schemaregistry.v1+json', body: '{"schema":"\"int\""}' });
    } finally {
      await l.close();
    }
  });

  it('close() resolves while a client holds a keep-alive connection open', async () => {
    const l = await listenHttp('127.0.0.1', 0, async () => ({ status: 200, contentType: 'text/plain', body: 'x' }));
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: l.port, path: '/', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      }).on('error', reject);
    });
    const closed = await Promise.race([l.close().then(() => 'closed'), new Promise((r) => setTimeout(() => r('hung'), 3000))]);
    agent.destroy();
    assert.equal(closed, 'closed');
  });
});
