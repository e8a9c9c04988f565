// SCIM request bodies as node serves them: read from node's request stream (src/scim/http/body.ts),
// over real sockets — in pieces, chunked, too large (declared or not), empty, with a byte-order mark.
import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeListener } from '../../../src/app.js';
import { createDirectory } from '../../../src/directory/index.js';
import { DEFAULT_SCIM_LIMITS } from '../../../src/scim/routes.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { createTokenService } from '../../../src/tokens/index.js';

const MAX = 2048;
let store: Store;
let server: Server;
let port: number;
let token: string;

beforeEach(async () => {
  store = openStore(':memory:');
  const tokens = createTokenService(store);
  token = tokens.create('test').token;
  const { listener } = createNodeListener({ directory: createDirectory({ store }), tokens, scimLimits: { ...DEFAULT_SCIM_LIMITS, maxPayloadBytes: MAX } });
  server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  store.close();
});

/** POSTs /Users with the body written as the given pieces (chunked unless a Content-Length is given), a little apart. */
function post(pieces: (string | Buffer)[], headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: 'POST', path: '/scim/v2/Users', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json', ...headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    const write = (i: number) => {
      if (i === pieces.length) return void req.end();
      req.write(pieces[i], () => setTimeout(() => write(i + 1), 5));
    };
    write(0);
  });
}

const user = (userName: string, pad = 0) => JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, displayName: 'x'.repeat(pad) });
const userCount = () => store.sqlite.prepare('SELECT count(*) FROM users').pluck().get();

describe('SCIM request bodies read from the node request', () => {
  it('assembles a body sent chunked in pieces', async () => {
    const text = user('pieces@example.com');
    const res = await post([text.slice(0, 10), text.slice(10, 40), text.slice(40)]);
    expect(res.status).toBe(201);
    expect(JSON.parse(res.body).userName).toBe('pieces@example.com');
  });

  it('refuses a chunked body past the limit with a SCIM 413 and stores nothing', async () => {
    const text = user('big@example.com', MAX);
    const res = await post([text.slice(0, 1000), text.slice(1000, 2000), text.slice(2000)]);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '413' });
    expect(userCount()).toBe(0);
  });

  it('refuses a declared Content-Length past the limit before reading', async () => {
    const text = user('declared@example.com', MAX);
    const res = await post([text], { 'content-length': String(Buffer.byteLength(text)) });
    expect(res.status).toBe(413);
    expect(userCount()).toBe(0);
  });

  it('an empty body is invalidSyntax', async () => {
    const res = await post([], { 'content-length': '0' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).scimType).toBe('invalidSyntax');
  });

  it('a leading byte-order mark is dropped, multi-byte text split across pieces survives', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(user('zoë@example.com'))]);
    const split = bytes.indexOf(Buffer.from('ë')) + 1; // between the two bytes of ë
    const res = await post([bytes.subarray(0, split), bytes.subarray(split)]);
    expect(res.status).toBe(201);
    expect(JSON.parse(res.body).userName).toBe('zoë@example.com');
  });
});
