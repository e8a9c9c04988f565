/**
 * Every response carries X-Request-Id, whichever way it was built: hot paths answer with
 * plainResponse (the id in their plain headers), everything else is stamped by the middleware.
 * Driven through a listening @hono/node-server, because that is where the two paths differ.
 */
import { type AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestScimApp, type TestScimApp } from '../support/scim-app.js';

let scim: TestScimApp;
let server: ServerType;
let base: string;
let userId: string;

beforeAll(async () => {
  scim = createTestScimApp();
  const created = await scim.scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@example.com' });
  userId = (await created.json()).id;
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: scim.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const auth = () => ({ authorization: `Bearer ${scim.token}` });

/** A fresh id: 96 random bits, base64url. */
const FRESH_ID = /^[A-Za-z0-9_-]{16}$/;

describe('X-Request-Id on every response', () => {
  const cases: Array<[string, string, () => Record<string, string>, number]> = [
    ['health check', '/healthz', () => ({}), 200],
    ['SCIM read (plain headers)', '/scim/v2/Users/USER', auth, 200],
    ['SCIM list', '/scim/v2/Users?filter=userName%20eq%20%22ada@example.com%22', auth, 200],
    ['SCIM 401 (error renderer)', '/scim/v2/Users', () => ({}), 401],
    ['SCIM 404', '/scim/v2/Users/nope', auth, 404],
    ['unknown route', '/nowhere', () => ({}), 404],
  ];
  for (const [name, path, headers, status] of cases) {
    it(`${name}: a fresh id, or the caller's well-formed one echoed`, async () => {
      const url = `${base}${path.replace('USER', userId)}`;
      const fresh = await fetch(url, { headers: headers() });
      expect(fresh.status).toBe(status);
      const id = fresh.headers.get('x-request-id') ?? '';
      expect(id).toMatch(FRESH_ID);
      // Never the same twice.
      const next = await fetch(url, { headers: headers() });
      expect(next.headers.get('x-request-id')).toMatch(FRESH_ID);
      expect(next.headers.get('x-request-id')).not.toBe(id);
      const echoed = await fetch(url, { headers: { ...headers(), 'x-request-id': 'trace-42' } });
      expect(echoed.headers.get('x-request-id')).toBe('trace-42');
      const malformed = await fetch(url, { headers: { ...headers(), 'x-request-id': 'bad id with spaces' } });
      expect(malformed.headers.get('x-request-id')).toMatch(FRESH_ID);
    });
  }

  it('a 304 for a matching If-None-Match carries it too, and no body', async () => {
    const first = await fetch(`${base}/scim/v2/Users/${userId}`, { headers: auth() });
    const etag = first.headers.get('etag') ?? '';
    const again = await fetch(`${base}/scim/v2/Users/${userId}`, { headers: { ...auth(), 'if-none-match': etag, 'x-request-id': 'cond-1' } });
    expect(again.status).toBe(304);
    expect(again.headers.get('x-request-id')).toBe('cond-1');
    expect(await again.text()).toBe('');
  });

  it('a caller passing one env object to every request gets a fresh context each time, and its object back untouched', async () => {
    const shared = {};
    const first = await scim.app.fetch(new Request('http://scim.test/healthz'), shared);
    const second = await scim.app.fetch(new Request('http://scim.test/healthz'), shared);
    expect(first.headers.get('x-request-id')).not.toBe(second.headers.get('x-request-id'));
    expect(Object.getOwnPropertySymbols(shared)).toEqual([]);
  });

  it('plain-header answers keep their content type and length', async () => {
    const res = await fetch(`${base}/scim/v2/Users/${userId}`, { headers: auth() });
    const body = await res.text();
    expect(res.headers.get('content-type')).toBe('application/scim+json; charset=utf-8');
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(body));
  });
});

describe('fresh request ids', () => {
  it('never repeat, across pool refills (every 256 ids)', async () => {
    const { app } = createTestScimApp();
    const ids = new Set<string>();
    for (let n = 0; n < 700; n++) {
      const id = (await app.request('http://scim.test/healthz')).headers.get('x-request-id') ?? '';
      expect(id).toMatch(FRESH_ID);
      ids.add(id);
    }
    expect(ids.size).toBe(700);
  });
});
