// The node fast path for /oauth2/auth (src/access/http/forward-auth-node.ts) must answer exactly as
// the hono route does. Both are driven over real sockets: one server runs the listener main.ts
// runs (fast path in front), the other hands every request to the app. Any request — valid or
// not, odd Host headers, spoofed proxy headers, HEAD, near-miss paths — gets the same answer.
import { request as httpRequest, createServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ALICE, ACCOUNTS, TENANTS } from '../../support/oidc-fixtures.js';
import { startTestProvider, type TestProvider } from '../../support/oidc-provider.js';
import { createHarness, REDIRECT_URIS, type Harness, type HarnessOptions } from './harness.js';

let op: TestProvider;
beforeAll(async () => {
  op = await startTestProvider({ tenants: TENANTS, accounts: ACCOUNTS, redirectUris: REDIRECT_URIS });
});
afterAll(() => op.close());

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(listener: RequestListener): Promise<number> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

interface Ask {
  method: string;
  target: string;
  headers: Record<string, string>;
}
interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function send(port: number, ask: Ask): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: ask.method, path: ask.target, headers: ask.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Everything but what differs per answer by design (date, a fresh request id). */
function comparable(answer: Answer, askedId: string | undefined) {
  const { date, 'x-request-id': id, ...headers } = answer.headers;
  const echoed = askedId !== undefined && /^[A-Za-z0-9._:-]{1,128}$/.test(askedId);
  return { status: answer.status, body: answer.body, headers, requestId: echoed ? id === askedId : /^[A-Za-z0-9_-]{16}$/.test(String(id)) };
}

async function signedIn(config: HarnessOptions['config']): Promise<{ h: Harness; cookie: string; fast: number; plain: number }> {
  const h = await createHarness(op, { config });
  const userId = await h.provision(ALICE);
  const staff = await h.group('Staff', [{ value: userId }]);
  await h.group('Admins', [{ value: staff }]);
  const { res, jar } = await h.signInAs(ALICE);
  expect(res.status).toBe(302);
  // The hono route reads the peer through the harness: the same address the sockets have.
  h.peer.address = '127.0.0.1';
  const fast = await listen(h.listener);
  const plain = await listen(getRequestListener(h.app.fetch) as RequestListener);
  return { h, cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), fast, plain };
}

const ROUTES = [{ host: 'app.example.com', pathPrefix: '/admin', allowedGroups: ['Admins'] }, { host: 'secret.example.com', allowedGroups: ['Nobody'] }];

describe('forward auth: the node fast path answers as the hono route does', () => {
  const ask = (cookie: string) =>
    fc.record({
      method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD'),
      path: fc.constantFrom('/oauth2/auth', '/oauth2/auth', '/oauth2/auth/', '/oauth2/authx', '/oauth2/Auth'),
      query: fc.constantFrom('', '?', '?allowed_groups=Admins', '?allowed_groups=staff,Nobody', '?allowed_groups=Nobody', '?allowed_groups=', '?allowed_groups=a,,b', '?allowed_groups=%41dmins', '?x=1&allowed_groups=Ad%20mins', '?allowed_groups=Admins&allowed_groups=Nobody', '?allowed_groups=\\Admins', '?allowed_groups="Admins"', '?allowed_groups=<Admins>', '?rd=/oauth2/auth'),
      cookie: fc.constantFrom(cookie, '', 'scimgate_session=garbage', `other=1; ${cookie}`, `${cookie}; scimgate_session=second`),
      // Hosts a URL parser reads as more than a host: `1?abcde` is host 0.0.0.1 (same length) with the target in its query.
      host: fc.constantFrom('localhost:8080', 'LocalHost:8080', 'app.example.com', 'user@evil.example', 'localhost:8080/x', '[::1]:8080', 'xn--bcher-kva.example', 'a..b', '1?abcde', '0x1?abc', 'localhost/oauth2/auth?rd=', 'my_service:8080', '_:8080', 'a_.b', 'x:99999'),
      originalUrl: fc.constantFrom(undefined, 'https://app.example.com/admin/x', 'https://app.example.com//admin', 'https://APP.example.com/%61dmin', 'https://secret.example.com/', '::::', '/relative'),
      forwarded: fc.constantFrom(undefined, { proto: 'https', host: 'secret.example.com', uri: '/' }, { proto: 'https', host: 'app.example.com', uri: '/admin' }, { host: 'app.example.com' }),
      requestId: fc.constantFrom(undefined, 'abc-123', 'bad id', 'x'.repeat(200)),
    });

  const toAsk = (a: { method: string; path: string; query: string; cookie: string; host: string; originalUrl: string | undefined; forwarded: { proto?: string; host?: string; uri?: string } | undefined; requestId: string | undefined }): Ask => {
    const headers: Record<string, string> = { host: a.host };
    if (a.cookie) headers.cookie = a.cookie;
    if (a.originalUrl !== undefined) headers['x-original-url'] = a.originalUrl;
    if (a.forwarded?.proto) headers['x-forwarded-proto'] = a.forwarded.proto;
    if (a.forwarded?.host) headers['x-forwarded-host'] = a.forwarded.host;
    if (a.forwarded?.uri) headers['x-forwarded-uri'] = a.forwarded.uri;
    if (a.requestId !== undefined) headers['x-request-id'] = a.requestId;
    return { method: a.method, target: a.path + a.query, headers };
  };

  const peers: [string, { trustedProxies?: string[] }][] = [
    ['loopback is a trusted proxy (default)', {}],
    ['loopback is not a trusted proxy', { trustedProxies: ['10.0.0.0/8'] }],
  ];
  for (const [name, server] of peers) {
    it(`same status, headers and body for any request — ${name}`, async () => {
      const { cookie, fast, plain } = await signedIn({ routes: ROUTES, server });
      await fc.assert(
        fc.asyncProperty(ask(cookie), async (a) => {
          const request = toAsk(a);
          const [viaFastPath, viaApp] = await Promise.all([send(fast, request), send(plain, request)]);
          expect(comparable(viaFastPath, a.requestId)).toEqual(comparable(viaApp, a.requestId));
        }),
        { numRuns: 250 },
      );
    });
  }

  it('takes GET /oauth2/auth itself and leaves everything else to the app', async () => {
    const { h, cookie, fast } = await signedIn({});
    const reachedApp = vi.spyOn(h.app, 'fetch');
    const allowed = await send(fast, { method: 'GET', target: '/oauth2/auth?allowed_groups=Admins', headers: { host: 'localhost:8080', cookie } });
    expect(allowed.status).toBe(202);
    expect(allowed.headers['x-auth-request-groups']).toBe('Admins,Staff');
    expect(allowed.headers['content-length']).toBe('0');
    expect(reachedApp).not.toHaveBeenCalled();
    expect((await send(fast, { method: 'HEAD', target: '/oauth2/auth', headers: { host: 'localhost:8080', cookie } })).status).toBe(202);
    expect((await send(fast, { method: 'GET', target: '/healthz', headers: { host: 'localhost:8080' } })).status).toBe(200);
    expect(reachedApp).toHaveBeenCalledTimes(2);
    // A Host the adapter refuses is left to it: 400 before the app is asked.
    expect((await send(fast, { method: 'GET', target: '/oauth2/auth', headers: { host: 'user@evil.example', cookie } })).status).toBe(400);
    expect(reachedApp).toHaveBeenCalledTimes(2);
  });

  it('writes the same access line with the request id', async () => {
    const { h, cookie, fast } = await signedIn({});
    h.lines.length = 0;
    await send(fast, { method: 'GET', target: '/oauth2/auth?allowed_groups=Nobody', headers: { host: 'localhost:8080', cookie, 'x-request-id': 'trace-42' } });
    expect(h.lines.filter((l) => l.msg === 'request')).toEqual([expect.objectContaining({ requestId: 'trace-42', method: 'GET', path: '/oauth2/auth', status: 403 })]);
  });

  it('deprovisioning ends access on the very next request over the socket', async () => {
    const { h, cookie, fast } = await signedIn({});
    const ask = { method: 'GET', target: '/oauth2/auth?allowed_groups=Admins', headers: { host: 'localhost:8080', cookie } };
    expect((await send(fast, ask)).status).toBe(202);
    const staff = (await h.scim('GET', `/Groups?filter=${encodeURIComponent('displayName eq "Staff"')}`)).body.Resources[0].id;
    const userId = (await h.scim('GET', `/Users?filter=${encodeURIComponent(`externalId eq "${ALICE.oid}"`)}`)).body.Resources[0].id;
    await h.scim('PATCH', `/Groups/${staff}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'remove', path: `members[value eq "${userId}"]` }] });
    expect((await send(fast, ask)).status).toBe(403);
    await h.scim('PATCH', `/Users/${userId}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
    expect((await send(fast, ask)).status).toBe(401);
  });
});
