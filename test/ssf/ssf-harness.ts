/**
 * A real scimgate HTTP server on a loopback port with the SSF transmitter mounted, a SCIM token
 * and SSF receiver tokens, and an SSF receiver of our own over real HTTP that verifies every SET
 * with jose against the JWKS the server publishes, checking the rules RFC 8417, RFC 8935 and
 * SSF 1.0 state for a SET. The delivery worker is played by `deliver`, which hands an outbox
 * event to the stream subscribers exactly as the worker does (accepts → send).
 */
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { onTestFinished } from 'vitest';
import { createNodeListener } from '../../src/app.js';
import { createDirectory } from '../../src/directory/index.js';
import type { SendOutcome } from '../../src/hooks/subscriber.js';
import type { HookEvent } from '../../src/persistence/outbox.js';
import { createSsfTransmitter, type SsfOptions, type SsfTransmitter } from '../../src/ssf/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { createTokenService } from '../../src/tokens/index.js';
import { createSqliteAuditLog } from '../../src/audit/index.js';

// biome-ignore lint/suspicious/noExplicitAny: test bodies are arbitrary JSON
export type Json = any;

export interface Harness {
  url: string;
  store: Store;
  ssf: SsfTransmitter;
  scimToken: string;
  /** A live SSF receiver token named `receiver-a`; `tokenB` is `receiver-b`'s. */
  token: string;
  tokenB: string;
  call(method: string, path: string, options?: { token?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<{ status: number; body: Json; res: Response }>;
  /** Hands an outbox event to every stream subscriber that accepts it, as the delivery worker does. */
  deliver(event: HookEvent): Promise<Map<string, SendOutcome>>;
  /** Every row of the SSF tables, for "a refused request changes nothing". */
  snapshot(): Record<string, unknown[]>;
}

export async function startSsfHarness(options: Partial<SsfOptions> = {}): Promise<Harness> {
  const store = openStore(':memory:');
  let handler: RequestListener = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => handler(req, res));
  const url = await listen(server);
  const ssf = createSsfTransmitter(store, {
    issuer: url,
    defaultSubjects: 'ALL',
    rotateKeysAfterSeconds: 90 * 86_400,
    keyOverlapSeconds: 7 * 86_400,
    allowInsecurePush: true,
    pushTimeoutMs: 5_000,
    poll: { longPollMs: 2_000, intervalMs: 20 },
    audit: createSqliteAuditLog(store),
    ...options,
  });
  const scimTokens = createTokenService(store);
  const directory = createDirectory({ store });
  handler = createNodeListener({ directory, tokens: scimTokens, ssf: ssf.routes }).listener;
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    store.close();
  });
  const scimToken = scimTokens.create('entra').token;
  const token = ssf.tokens.create('receiver-a').token;
  const tokenB = ssf.tokens.create('receiver-b').token;
  return {
    url,
    store,
    ssf,
    scimToken,
    token,
    tokenB,
    async call(method, path, { token: bearer = token, body, raw, headers = {} } = {}) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }),
          ...(body === undefined && raw === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(raw !== undefined ? { body: raw } : body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      let parsed: Json = text;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        // not JSON: the text itself
      }
      return { status: res.status, body: parsed, res };
    },
    async deliver(event) {
      const outcomes = new Map<string, SendOutcome>();
      for (const subscriber of ssf.source.subscribers()) {
        if (subscriber.accepts(event)) outcomes.set(subscriber.id, await subscriber.send(event, new AbortController().signal));
      }
      return outcomes;
    },
    snapshot() {
      const tables = ['ssf_streams', 'ssf_subjects', 'ssf_poll_queue', 'ssf_tokens', 'ssf_keys', 'audit_log'];
      return Object.fromEntries(tables.map((t) => [t, store.sqlite.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()]));
    },
  };
}

export interface ReceivedPush {
  contentType: string | undefined;
  authorization: string | undefined;
  token: string;
}

/** An RFC 8935 receiver: records each push and answers with `answer` (default 202). */
export async function startPushReceiver(answer: (push: ReceivedPush) => { status: number; body?: unknown; headers?: Record<string, string> } = () => ({ status: 202 })) {
  const received: ReceivedPush[] = [];
  const server = createServer(async (req, res) => {
    const token = await readBody(req);
    const push = { contentType: req.headers['content-type'], authorization: req.headers.authorization, token };
    received.push(push);
    const { status, body, headers = {} } = answer(push);
    if (body === undefined) res.writeHead(status, headers).end();
    else res.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  const url = await listen(server);
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `${url}/events`, received };
}

export interface VerifiedSet {
  header: ReturnType<typeof decodeProtectedHeader>;
  payload: JWTPayload & Json;
  eventType: string;
  event: Json;
}

/**
 * Verifies a SET as an SSF receiver must, with jose against the published JWKS (fetched over
 * HTTP from the jwks_uri in the discovery document), and checks every rule of RFC 8417 §2 and
 * SSF 1.0 §4.1 that a SET must satisfy. Throws on the first broken rule.
 */
export async function verifySet(issuer: string, audience: string, token: string): Promise<VerifiedSet> {
  const metadata = (await (await fetch(`${issuer}/.well-known/ssf-configuration`)).json()) as Json;
  if (metadata.issuer !== issuer) throw new Error(`discovery issuer ${metadata.issuer} is not ${issuer}`);
  const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri as string));
  const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer, audience, typ: 'secevent+jwt', algorithms: ['RS256'] });
  const rules: [boolean, string][] = [
    [protectedHeader.typ === 'secevent+jwt', 'RFC 8417 §2.3 / SSF §4.1.1: typ is secevent+jwt'],
    [typeof protectedHeader.kid === 'string' && protectedHeader.kid.length > 0, 'the header names its kid'],
    [typeof payload.jti === 'string' && payload.jti.length > 0, 'RFC 8417 §2.2: jti is required'],
    [typeof payload.iat === 'number' && Number.isInteger(payload.iat) && payload.iat <= Math.floor(Date.now() / 1000) + 5, 'RFC 8417 §2.2: iat is an integer time, not in the future'],
    [typeof payload['txn'] === 'string' && (payload['txn'] as string).length > 0, 'SSF §4.1.8: txn is set'],
    [!('exp' in payload), 'SSF §4.1.6: no exp'],
    [!('sub' in payload), 'SSF §4.1.2: no sub'],
    [payload.aud === audience, 'aud is the stream\'s'],
    [typeof payload['sub_id'] === 'object' && payload['sub_id'] !== null && typeof (payload['sub_id'] as Json).format === 'string', 'SSF §3.1: a top-level sub_id with a format'],
    [typeof payload['events'] === 'object' && payload['events'] !== null && Object.keys(payload['events'] as object).length === 1, 'SSF §4.2.1: events holds one event'],
  ];
  for (const [holds, rule] of rules) if (!holds) throw new Error(`SET breaks a rule: ${rule}`);
  const [eventType, event] = Object.entries(payload['events'] as Record<string, Json>)[0] as [string, Json];
  return { header: protectedHeader, payload: payload as JWTPayload & Json, eventType, event };
}

export function hookEvent(partial: Partial<HookEvent> & Pick<HookEvent, 'type'>): HookEvent {
  return {
    id: `evt_${Math.random().toString(36).slice(2, 12)}`,
    seq: 1,
    occurredAt: '2026-12-03T10:00:00.000Z',
    user: { id: 'u-1', userName: 'alice@example.com', email: 'alice@example.com' },
    ...partial,
  };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
