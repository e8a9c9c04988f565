// An identity provider that is unreachable when scimgate starts (a real server over a temp
// database, a real provider started only later on the issuer's port): scimgate starts anyway,
// SCIM and existing sessions work throughout, sign-in answers 503 with Retry-After until
// discovery succeeds in the background, then a real sign-in completes.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSessionStore } from '../../../src/access/sessions/index.js';
import { loadConfig } from '../../../src/config/index.js';
import { createLogger } from '../../../src/http/logger.js';
import { startServer, type RunningServer } from '../../../src/main.js';
import { openStore } from '../../../src/store/index.js';
import { ALICE, ACCOUNTS, TENANT_A, TENANTS } from '../../support/oidc-fixtures.js';
import { startTestProvider, TEST_CLIENTS, type TestProvider } from '../../support/oidc-provider.js';
import { signIn } from '../../support/oidc-sign-in.js';
import { freePort } from '../../support/free-port.js';

const TOKEN = 'provider-outage-test-token-0123456789abcdef';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});


/** Log lines as objects, to see what an operator would read. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) } as unknown as NodeJS.WritableStream });
  return { logger, lines };
}

async function untilTrue(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 25));
}

const cookiesOf = (response: Response) => response.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');

describe('an identity provider unreachable at boot does not take SCIM down', () => {
  it('starts anyway: SCIM and sessions work, sign-in is 503 until the provider is back, then signs in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scimgate-outage-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const [opPort, port] = [await freePort(), await freePort()];
    const origin = `http://127.0.0.1:${port}`;
    const issuer = `http://127.0.0.1:${opPort}/${TENANT_A}/v2.0`;
    const database = join(dir, 'scimgate.db');
    const loaded = loadConfig({
      env: { SCIMGATE_SCIM_TOKEN: TOKEN },
      overrides: {
        server: { host: '127.0.0.1', port, publicUrl: origin },
        database: { path: database },
        oidc: { issuer, clientId: TEST_CLIENTS.secretBasic.clientId, clientSecret: TEST_CLIENTS.secretBasic.secret },
      },
    });
    if (!loaded.ok) throw new Error(loaded.error.message);
    const { logger, lines } = capturingLogger();
    // Nothing listens on the issuer's port yet: the boot's discovery is refused.
    const server: RunningServer = await startServer(loaded.value, { logger, oidcRetry: { firstDelayMs: 20, maxDelayMs: 200 } });
    cleanups.push(() => server.close());

    const failure = lines.find((line) => line.msg !== undefined && String(line.msg).startsWith('identity provider discovery failed'));
    expect(failure).toMatchObject({ issuer, causeKind: 'connection_refused', code: 'discovery_failed' });
    expect(String(failure?.cause)).toContain('ECONNREFUSED');

    // SCIM works: provision Alice as Entra would (externalId = oid).
    const scim = (path: string, init: RequestInit = {}) =>
      fetch(`${origin}/scim/v2${path}`, { ...init, headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/scim+json' } });
    const created = await scim('/Users', {
      method: 'POST',
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: ALICE.email, externalId: ALICE.oid, active: true }),
    });
    expect(created.status).toBe(201);
    const alice = (await created.json()) as { id: string };

    // A session made before the outage (here: beside the server, on the same database) keeps working.
    const side = openStore(database);
    cleanups.push(() => side.close());
    const { secret } = createSessionStore({ store: side }).create({
      userId: alice.id,
      tenantId: TENANT_A,
      issuer,
      subject: ALICE.login,
      absoluteTtlSeconds: 3600,
      idleTtlSeconds: 3600,
    });
    const decision = await fetch(`${origin}/oauth2/auth`, { headers: { Cookie: `scimgate_session=${secret}`, 'X-Original-URL': 'http://app.test/' } });
    expect(decision.status).toBe(202);

    // Sign-in says to come back later, in a page and in Retry-After.
    const refused = await fetch(`${origin}/oauth2/start?rd=/`, { redirect: 'manual' });
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.text()).toContain('provider_unavailable');

    // The provider comes up on the issuer's port; discovery is retried in the background.
    const op: TestProvider = await startTestProvider({ tenants: TENANTS, accounts: ACCOUNTS, redirectUris: [`${origin}/oauth2/callback`], port: opPort });
    cleanups.push(() => op.close());
    let start: Response | undefined;
    await untilTrue(async () => {
      start = await fetch(`${origin}/oauth2/start?rd=/`, { redirect: 'manual' });
      return start.status !== 503;
    });
    expect(start?.status).toBe(302);
    expect(lines.some((line) => line.msg === 'identity provider discovered; sign-in available')).toBe(true);

    const callback = await signIn(start?.headers.get('location') ?? '', { login: ALICE.login });
    const finished = await fetch(callback, { redirect: 'manual', headers: { Cookie: cookiesOf(start as Response) } });
    expect(finished.status).toBe(302);
    expect(finished.headers.getSetCookie().some((line) => line.startsWith('scimgate_session='))).toBe(true);
    expect((await scim('/Users')).status).toBe(200);
  });

  it('a provider that disowns the configured issuer still fails the boot: that is a configuration mistake', async () => {
    const liar = createHttpServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ issuer: 'https://elsewhere.example.com', authorization_endpoint: 'https://elsewhere.example.com/authorize', jwks_uri: 'https://elsewhere.example.com/keys' }));
    });
    await new Promise<void>((resolve) => liar.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => liar.close(() => resolve())));
    const dir = mkdtempSync(join(tmpdir(), 'scimgate-outage-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    const loaded = loadConfig({
      env: {},
      overrides: {
        server: { host: '127.0.0.1', port, publicUrl: `http://127.0.0.1:${port}` },
        database: { path: join(dir, 'scimgate.db') },
        oidc: { issuer: `http://127.0.0.1:${(liar.address() as AddressInfo).port}/t1`, clientId: 'app', clientSecret: 'secret' },
      },
    });
    if (!loaded.ok) throw new Error(loaded.error.message);
    await expect(startServer(loaded.value, { logger: createLogger({ level: 'silent' }) })).rejects.toMatchObject({ code: 'discovery_issuer_mismatch' });
  });
});
