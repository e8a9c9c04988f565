import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createDirectory } from '../../src/directory/index.js';
import { openStore } from '../../src/store/index.js';
import { createTokenService } from '../../src/tokens/index.js';
import { createTestScimApp } from '../support/scim-app.js';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

describe('RFC 7644 §3.12 errors on the wire', () => {
  it('answers a missing token with 401, a SCIM error body and WWW-Authenticate', async () => {
    const t = createTestScimApp();
    const res = await t.request('http://scim.test/scim/v2/Users');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="scimgate"/);
    expect(await res.json()).toMatchObject({ schemas: [ERROR], status: '401' });
  });

  it('answers a wrong token with 401 invalid_token', async () => {
    const t = createTestScimApp();
    const res = await t.request('http://scim.test/scim/v2/Users', { headers: { Authorization: 'Bearer wrong-token-value' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('answers truncated JSON with 400 invalidSyntax and stores nothing', async () => {
    const t = createTestScimApp();
    const before = t.snapshot();
    const res = await t.scim('POST', '/Users', '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ schemas: [ERROR], scimType: 'invalidSyntax' });
    expect(t.snapshot()).toEqual(before);
  });

  it('answers a body over the limit with 413 in SCIM form', async () => {
    const t = createTestScimApp({ app: { scimLimits: { maxResults: 100, defaultCount: 10, maxPayloadBytes: 1024 } } });
    const res = await t.scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'x'.repeat(4096) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ schemas: [ERROR], status: '413' });
    expect(t.store.sqlite.prepare('SELECT count(*) AS n FROM users').get()).toEqual({ n: 0 });
  });

  it('answers a chunked body (no Content-Length) that grows past the limit with 413, without reading the rest', async () => {
    const store = openStore(':memory:');
    const tokens = createTokenService(store);
    const { token } = tokens.create('t');
    const app = createApp({ directory: createDirectory({ store }), tokens, scimLimits: { maxResults: 100, defaultCount: 10, maxPayloadBytes: 1024 } });
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        if (pulled > 1000) controller.close();
        else controller.enqueue(new TextEncoder().encode('x'.repeat(512)));
      },
    });
    const res = await app.request('http://scim.test/scim/v2/Users', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ schemas: [ERROR], status: '413' });
    expect(pulled).toBeLessThan(10);
    expect(store.sqlite.prepare('SELECT count(*) AS n FROM users').get()).toEqual({ n: 0 });
  });

  it('accepts a body that starts with a UTF-8 byte-order mark, as fetch text() reading did', async () => {
    const t = createTestScimApp();
    const res = await t.scim('POST', '/Users', `\uFEFF${JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'bom@x.com' })}`);
    expect(res.status).toBe(201);
  });

  it('answers an unsupported media type with 415', async () => {
    const t = createTestScimApp();
    const res = await t.scim('POST', '/Users', 'userName=x', { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
    expect((await res.json()).schemas).toEqual([ERROR]);
  });

  it('accepts plain application/json', async () => {
    const t = createTestScimApp();
    const res = await t.scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'j@x.com' }, { 'Content-Type': 'application/json' });
    expect(res.status).toBe(201);
  });

  it('answers an unknown SCIM endpoint with a SCIM 404', async () => {
    const t = createTestScimApp();
    const res = await t.scim('GET', '/Bulk');
    expect(res.status).toBe(404);
    expect((await res.json()).schemas).toEqual([ERROR]);
    // Authenticated like every SCIM path: without the token, a 401 with its challenge.
    const anonymous = await t.request('http://scim.test/scim/v2/Bulk');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
    expect(((await anonymous.json()) as { schemas: unknown }).schemas).toEqual([ERROR]);
  });

  it('answers SCIM requests without hono composing handlers: remembered ones synchronously', async () => {
    // A second matching route (a catch-all) sends every request through hono's async compose, and
    // every answer becomes a promise. Answers computed from the database are handed over as
    // settled promises on purpose (resource-routes.ts); once remembered (from a URL's second
    // request, src/scim/http/read-cache.ts), they come from memory at once.
    const t = createTestScimApp();
    const headers = { Authorization: `Bearer ${t.token}` };
    const ask = (path: string) => t.app.fetch(new Request(`http://scim.test/scim/v2${path}`, { headers }));
    for (const path of ['/Users', '/Users?filter=userName%20eq%20%22x%22', '/Groups']) {
      await ask(path);
      await ask(path);
      expect(ask(path), path).toBeInstanceOf(Response);
    }
    for (const path of ['/Users/none', '/ServiceProviderConfig']) expect(ask(path), path).toBeInstanceOf(Response);
  });

  it('answers 404 in SCIM form for an unknown user id', async () => {
    const t = createTestScimApp();
    const res = await t.scim('PATCH', '/Users/nope', { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'nickName', value: 'x' }] });
    expect(res.status).toBe(404);
    expect((await res.json()).schemas).toEqual([ERROR]);
  });

  it('answers a malformed PATCH body with 400, never 500', async () => {
    const t = createTestScimApp();
    const { id } = await (await t.scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'm@x.com' })).json();
    for (const body of [[], { Operations: 'x' }, { Operations: [{ op: 'explode' }] }, { Operations: [{ op: 'add', path: 'emails[type eq', value: 1 }] }, 42, null]) {
      const res = await t.scim('PATCH', `/Users/${id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });
});
