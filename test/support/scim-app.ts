/**
 * A complete scimgate app over a fresh in-memory database, plus a SCIM client bound to it.
 *
 * The client reaches the app one of two ways, so that the same behaviour suites cover both:
 * - `app`: `app.request`, straight into hono (fast, no sockets);
 * - `listener`: real HTTP on a loopback port, through the server's own node listener
 *   (src/app.ts createNodeListener): batches per event-loop turn, group commit, answers held
 *   until their commit — the production path.
 * The default is `app`; the vitest project `scim-via-listener` (vitest.config.ts) runs the SCIM
 * suites again with SCIMGATE_TEST_TRANSPORT=listener.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';
import { createApp, createNodeListener, type AppDeps } from '../../src/app.js';
import { createAuditedWrites, createSqliteAuditLog } from '../../src/audit/index.js';
import { createDirectory, type DirectoryDeps } from '../../src/directory/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { createTokenService } from '../../src/tokens/index.js';

/**
 * Response bodies in tests are whatever JSON the server sent; assertions check their shape, so
 * they are typed as loosely as JSON itself is (the one `any` we allow, and only in tests).
 */
// biome-ignore lint/suspicious/noExplicitAny: test bodies are arbitrary JSON
export type JsonBody = any;

export interface ScimResponse extends Response {
  json(): Promise<JsonBody>;
}

export type Transport = 'app' | 'listener';

export interface TestScimApp {
  /** The hono app; with the `listener` transport, requests sent through `request`/`scim` do not use it directly. */
  app: ReturnType<typeof createApp>;
  transport: Transport;
  store: Store;
  directory: ReturnType<typeof createDirectory>;
  token: string;
  /** Send a SCIM request with the bearer token; `body` is JSON-encoded unless it is a string. */
  scim(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ScimResponse>;
  /** Send any request (no token added) through the transport; `url` is absolute (http://scim.test/…). */
  request(url: string, init?: RequestInit): Promise<ScimResponse>;
  /** Every table's rows, for "bad input leaves the database unchanged" assertions. */
  snapshot(): Record<string, unknown[]>;
}

export interface TestScimAppOptions {
  store?: Store;
  directory?: Omit<DirectoryDeps, 'store'>;
  app?: Partial<AppDeps>;
  transport?: Transport;
}

export function defaultTransport(): Transport {
  return process.env.SCIMGATE_TEST_TRANSPORT === 'listener' ? 'listener' : 'app';
}

export function createTestScimApp(options: TestScimAppOptions = {}): TestScimApp {
  const store = options.store ?? openStore(':memory:');
  const directory = createDirectory({ store, ...options.directory });
  const tokens = createTokenService(store);
  const { token } = tokens.create('test');
  // Audited as the server is (src/main.ts): every suite then also checks that a refused write leaves no audit row.
  const deps: AppDeps = { directory, tokens, scimAudit: createAuditedWrites(store.writes, createSqliteAuditLog(store)), ...options.app };
  const transport = options.transport ?? defaultTransport();
  const { app, send } = transport === 'listener' ? overLoopback(deps) : inProcess(deps);
  const request = (url: string, init?: RequestInit) => send(new Request(url, init)) as Promise<ScimResponse>;
  const scim = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    request(`http://scim.test/scim/v2${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  const snapshot = () => {
    const tables = ['users', 'groups', 'group_users', 'group_groups', 'group_closure', 'events', 'audit_log'];
    // Membership tables are WITHOUT ROWID; every table's first two columns order it.
    return Object.fromEntries(tables.map((t) => [t, store.sqlite.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()]));
  };
  return { app, transport, store, directory, token, scim, request, snapshot };
}

interface Sender {
  app: ReturnType<typeof createApp>;
  send(request: Request): Promise<Response>;
}

function inProcess(deps: AppDeps): Sender {
  const app = createApp(deps);
  return { app, send: async (request) => app.request(request) };
}

/**
 * The server's own listener on 127.0.0.1, port 0, closed when the test ends. Requests keep their
 * Host (scim.test), so absolute URLs in answers read as they do in-process.
 */
function overLoopback(deps: AppDeps): Sender {
  const { app, listener } = createNodeListener(deps);
  const server = createServer(listener);
  const port = new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const send = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : Buffer.from(await request.arrayBuffer());
    const headers: Record<string, string> = { Host: url.host, ...Object.fromEntries(request.headers) };
    if (body !== undefined) headers['Content-Length'] = String(body.length);
    const serverPort = await port;
    const answer = await new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const outgoing = httpRequest({ host: '127.0.0.1', port: serverPort, method: request.method, path: url.pathname + url.search, headers }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks) }));
        incoming.on('error', reject);
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) responseHeaders.append(name, one);
    }
    const empty = answer.status === 204 || answer.status === 304 || request.method === 'HEAD';
    return new Response(empty ? null : answer.body, { status: answer.status, headers: responseHeaders });
  };
  return { app, send };
}
