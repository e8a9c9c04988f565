// A full scimgate app with sign-in enabled, built from a Config exactly as main.ts does, against
// the in-process test OP; plus a browser-ish cookie jar and helpers to sign in and provision.
import { Writable } from 'node:stream';
import { buildAccess, createDirectoryGeneration, oidcClientConfig } from '../../../src/access/index.js';
import { createPendingLoginSeal } from '../../../src/access/http/index.js';
import { createOidcClient } from '../../../src/access/oidc/index.js';
import { createSessionStore } from '../../../src/access/sessions/index.js';
import { createNodeListener } from '../../../src/app.js';
import { createAuditedWrites, createAuditReader, createSqliteAuditLog, startSampledAudit } from '../../../src/audit/index.js';
import { loadConfig, type Config, type ConfigFileInput } from '../../../src/config/index.js';
import { createDirectory } from '../../../src/directory/index.js';
import { createLogger } from '../../../src/http/logger.js';
import { createRevocationListener } from '../../../src/revocation/index.js';
import { openStore } from '../../../src/store/index.js';
import { createSsfTransmitter } from '../../../src/ssf/index.js';
import { createTokenService } from '../../../src/tokens/index.js';
import { TEST_CLIENTS, type TestAccount, type TestProvider } from '../../support/oidc-provider.js';
import { signIn } from '../../support/oidc-sign-in.js';
import { TENANT_A } from '../../support/oidc-fixtures.js';

export const HTTP_PUBLIC = 'http://localhost:8080';
export const HTTPS_PUBLIC = 'https://scimgate.test';
export const REDIRECT_URIS = [`${HTTP_PUBLIC}/oauth2/callback`, `${HTTPS_PUBLIC}/oauth2/callback`];
export const KEY = new Uint8Array(32).fill(7);
/** The admin API's bearer token in every harness (config admin.token). */
export const ADMIN_TOKEN = 'admin-token-for-tests-0123456789abcdef';

export interface HarnessOptions {
  publicUrl?: string;
  /** Issuer (default tenant A's). */
  issuer?: string;
  /** Set after validation: the fixtures' tenant ids are not GUIDs. */
  allowedTenants?: string[];
  config?: ConfigFileInput;
  cacheMaxAgeMs?: number;
}

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies in tests
export type Json = any;

export async function createHarness(op: TestProvider, options: HarnessOptions = {}) {
  const publicUrl = options.publicUrl ?? HTTP_PUBLIC;
  const loaded = loadConfig({
    env: {},
    overrides: {
      ...options.config,
      server: { publicUrl, ...options.config?.server },
      admin: { token: ADMIN_TOKEN, ...options.config?.admin },
      oidc: {
        issuer: options.issuer ?? op.issuer(TENANT_A),
        clientId: TEST_CLIENTS.secretBasic.clientId,
        clientSecret: TEST_CLIENTS.secretBasic.secret,
        // Placeholder to pass validation; the fixtures' tenant ids (not GUIDs) replace it below.
        ...(options.allowedTenants ? { entra: { allowedTenants: ['00000000-0000-0000-0000-000000000001'] } } : {}),
        ...options.config?.oidc,
      },
    },
  });
  if (!loaded.ok) throw new Error(loaded.error.message);
  const config: Config = loaded.value;
  if (!config.oidc) throw new Error('oidc missing');
  if (options.allowedTenants) config.oidc.allowedTenants = options.allowedTenants;

  let clock = Date.now();
  const now = () => clock;
  const lines: Json[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
        done();
      },
    }),
  });
  const store = openStore(':memory:');
  // The audit log as main.ts wires it; the sampled part is flushed by the tests (h.audit()): its timer (unref'd) never fires.
  const auditLog = createSqliteAuditLog(store);
  const sampledAudit = startSampledAudit({ log: auditLog, writes: store.writes, now: () => clock, flushMs: 2_147_483_647 });
  const auditedWrites = createAuditedWrites(store.writes, auditLog);
  const sessions = createSessionStore({
    store,
    now: () => new Date(clock),
    onRevoke: () => void generation.bump(),
    recordRevocation: ({ id, userId, reason }) => directory.recordSessionRevoked(id, { userId, reason }),
    audit: auditLog,
  });
  const directory = createDirectory({ store, listeners: [createRevocationListener(sessions)] });
  const generation = createDirectoryGeneration(directory.version);
  const tokens = createTokenService({ ...store, audit: auditLog });
  const { token } = tokens.create('test');
  const oidc = await createOidcClient({ ...oidcClientConfig(config.oidc, config.sessions.loginTtlSeconds), now });
  const peer = { address: '203.0.113.9' as string | undefined };
  const { routes, decider, policies } = buildAccess({
    config: { ...config, oidc: config.oidc },
    oidc,
    store,
    directory,
    sessions,
    generation,
    pendingLoginKey: KEY,
    now,
    ...(options.cacheMaxAgeMs !== undefined ? { cacheMaxAgeMs: options.cacheMaxAgeMs } : {}),
    remoteAddress: () => peer.address,
  });
  // The app tests drive with app.request, and the node listener the server runs (its fast paths in front of the same app).
  const admin = config.admin.token
    ? { token: config.admin.token, explain: { users: directory.users, lookup: directory.lookup, effectiveGroups: (id: string) => directory.effective.effectiveGroups(id), policies } }
    : undefined;
  const access = { ...routes, audit: { writes: auditedWrites, sampled: sampledAudit } };
  // Every optional router is mounted, the SSF transmitter's too (test/openapi.test.ts reads the routes from here).
  const ssf = createSsfTransmitter(store, {
    issuer: config.server.publicUrl.origin,
    defaultSubjects: 'ALL',
    rotateKeysAfterSeconds: 86_400,
    keyOverlapSeconds: 3600,
    allowInsecurePush: true,
    pushTimeoutMs: 5_000,
    poll: { longPollMs: 100, intervalMs: 10 },
  });
  const { app, listener } = createNodeListener({ directory, tokens, logger, access, admin, scimAudit: auditedWrites, ssf: ssf.routes });
  const seal = createPendingLoginSeal(KEY);

  const request = (path: string, init: RequestInit & { cookies?: Jar } = {}) => {
    const headers = new Headers(init.headers);
    if (init.cookies && init.cookies.size > 0) headers.set('cookie', [...init.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const url = path.startsWith('http') ? path : `${publicUrl}${path}`;
    return Promise.resolve(app.request(url, { ...init, headers }));
  };
  const scim = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    const res = await request(`/scim/v2${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  /** Provision an account as Entra would: externalId = oid. */
  const provision = async (account: TestAccount, extra: Record<string, unknown> = {}): Promise<string> => {
    const res = await scim('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: account.preferredUsername ?? account.email ?? `${account.login}@test`,
      externalId: account.oid,
      active: true,
      ...(account.email ? { emails: [{ value: account.email, type: 'work', primary: true }] } : {}),
      ...extra,
    });
    if (res.status !== 201) throw new Error(`provision failed ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  const group = async (displayName: string, members: { value: string }[] = []): Promise<string> => {
    const res = await scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName, members });
    if (res.status !== 201) throw new Error(`group failed ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };

  /** /oauth2/start → OP login → the callback URL (not yet fetched) and the jar after /start. */
  const startAndLogin = async (account: TestAccount, rd = '/app', jar: Jar = new Map()) => {
    const start = await request(`/oauth2/start?rd=${encodeURIComponent(rd)}`, { cookies: jar });
    absorb(jar, start);
    const location = start.headers.get('location');
    if (start.status !== 302 || !location) throw new Error(`start answered ${start.status}`);
    const callback = await signIn(location, { login: account.login });
    return { callback, jar, start };
  };
  /** The full sign-in; returns the callback response and the browser's jar. */
  const signInAs = async (account: TestAccount, rd = '/app', jar: Jar = new Map()) => {
    const { callback } = await startAndLogin(account, rd, jar);
    const res = await request(callback, { cookies: jar });
    absorb(jar, res);
    return { res, jar };
  };

  /** POST /admin/v1/policy/explain with the admin token (or `token`). */
  const explain = async (body: unknown, token: string | null = ADMIN_TOKEN): Promise<{ status: number; body: Json; res: Response }> => {
    const res = await request('/admin/v1/policy/explain', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.clone().json(), res };
  };

  return {
    app, listener, config, store, directory, sessions, generation, decider, policies, peer, explain, scimToken: token, ssf, lines, seal, request, scim, provision, group,
    startAndLogin, signInAs,
    advance: (ms: number) => {
      clock += ms;
    },
    /** The audit log's rows so far (sampled entries flushed first), data parsed. */
    audit: () => {
      sampledAudit.flush();
      return [...createAuditReader(store.sqlite).rows()].map((row) => ({ ...row, data: row.data === null ? undefined : (JSON.parse(row.data) as Json) }));
    },
    /** Log lines for refused sign-ins. */
    refusals: () => lines.filter((l) => l.msg === 'sign-in refused'),
  };
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;
export type Jar = Map<string, string>;

/** Apply a response's Set-Cookie headers to the jar (deletions included). */
export function absorb(jar: Jar, res: Response): void {
  for (const line of res.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (value === '' || /max-age=0/i.test(line)) jar.delete(name);
    else jar.set(name, value);
  }
}

/** The jar's pending-login cookies (one per login under way), oldest set first. */
export function pendingCookies(jar: Jar): [name: string, value: string][] {
  return [...jar].filter(([name]) => /^(__Host-)?scimgate_login_/.test(name));
}

/** The pending-login cookie a response set (its Set-Cookie line), if any. */
export function pendingSetCookie(res: Response): string | undefined {
  return res.headers.getSetCookie().find((line) => /^(__Host-)?scimgate_login_[^=]*=[^;]/.test(line) && !/max-age=0/i.test(line));
}

/** The value of a Set-Cookie line. */
export function cookieOf(line: string | undefined): string | undefined {
  return line?.split(';')[0]?.split('=').slice(1).join('=');
}

export function setCookieFor(res: Response, name: string): string | undefined {
  return res.headers.getSetCookie().find((line) => line.startsWith(`${name}=`));
}
