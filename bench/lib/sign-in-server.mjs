/**
 * scimgate with sign-in configured, for forward-auth scenarios: `/oauth2/*` only exists when an
 * `oidc` section is present, and scimgate fetches the issuer's discovery document at boot. So this
 * starts a real OpenID provider (node-oidc-provider, the package the test suite uses) on loopback
 * in the bench process — only discovery is ever asked of it while measuring — writes a YAML config
 * pointing at it, and starts the built CLI with `serve --config`. Sign-in itself is not measured:
 * a scenario creates its session directly in the database (see `createBenchSession`).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Provider from 'oidc-provider';
import { stringify } from 'yaml';
import { CACHE_DIR, ROOT } from './config.mjs';
import { freePort, startChild } from './processes.mjs';

const DIST = process.env.BENCH_SCIMGATE_DIST ?? join(ROOT, 'dist');
const CLI = join(DIST, 'cli/index.js');
const dist = (path) => import(pathToFileURL(join(DIST, path)).href);

/** Entra's issuer shape (`/<tenant id>/v2.0`), so the config is the one operators write. */
const TENANT_ID = '0b0b0b0b-0000-4000-8000-000000000001';
const CLIENT = { clientId: 'scimgate-bench', clientSecret: `bench-${randomBytes(24).toString('hex')}` };

/** A loopback OpenID provider at `http://127.0.0.1:PORT/<tid>/v2.0`; call `close()` when done. */
export async function startBenchIssuer({ redirectUri }) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}/${TENANT_ID}/v2.0`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, redirect_uris: [redirectUri], response_types: ['code'], grant_types: ['authorization_code'] }],
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    // Nobody signs in here: no login pages.
    features: { devInteractions: { enabled: false } },
  });
  const prefix = `/${TENANT_ID}/v2.0`;
  const callback = provider.callback();
  const server = createServer((req, res) => {
    if (!req.url?.startsWith(prefix)) {
      res.statusCode = 404;
      return void res.end();
    }
    // Mounted below the issuer path, as express would.
    Object.assign(req, { originalUrl: req.url, url: req.url.slice(prefix.length) || '/' });
    callback(req, res);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer,
    tenantId: TENANT_ID,
    ...CLIENT,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A session for `userId` written the way sign-in writes it (dist/ session store), before the
 * server starts. Returns the cookie value.
 */
export async function createBenchSession(database, { userId, issuer, subject }) {
  const { openStore } = await dist('store/index.js');
  const { createSessionStore } = await dist('access/sessions/index.js');
  const store = openStore(database);
  try {
    const { secret } = createSessionStore({ store }).create({ userId, tenantId: TENANT_ID, issuer, subject, absoluteTtlSeconds: 43_200, idleTtlSeconds: 3_600 });
    return secret;
  } finally {
    store.close();
  }
}

/**
 * scimgate (`serve --config`) on `database` with sign-in pointed at `issuer`. publicUrl is plain
 * http on loopback, so the session cookie is `scimgate_session` (src/config/resolve.ts).
 * `scim`: the config's scim section, when a scenario sets one (default: scimgate's defaults).
 * @param {{ database: string, issuer: Awaited<ReturnType<typeof startBenchIssuer>>, port: number, cpuProfile?: boolean, label?: string, routes?: object[], scim?: object }} options
 */
export async function startSignInScimgate({ database, issuer, port, cpuProfile = false, label = 'scimgate-sign-in', routes = [], scim }) {
  const url = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'scimgate-bench-oidc-'));
  const configPath = join(dir, 'scimgate.yaml');
  const config = {
    server: { host: '127.0.0.1', port, publicUrl: url, trustedProxies: ['127.0.0.0/8', '::1/128'] },
    database: { path: database },
    ...(scim ? { scim } : {}),
    oidc: { issuer: issuer.issuer, clientId: issuer.clientId, clientSecret: issuer.clientSecret, clientSecretMethod: 'basic' },
    redirects: { allowedDomains: ['127.0.0.1', 'app.example'] },
    routes,
    logging: { level: 'warn' },
  };
  writeFileSync(configPath, stringify(config));
  const profileDir = join(CACHE_DIR, 'profiles');
  if (cpuProfile) mkdirSync(profileDir, { recursive: true });
  let child;
  try {
    child = await startChild({
      name: label,
      args: [CLI, 'serve', '--config', configPath],
      cwd: ROOT,
      nodeArgs: cpuProfile ? ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `${label}-${Date.now()}.cpuprofile`] : [],
      // The same values as the file, so a stray variable in the caller's shell cannot override them.
      env: { HOST: '127.0.0.1', PORT: String(port), SCIMGATE_PUBLIC_URL: url, SCIMGATE_DATABASE: database, SCIMGATE_OIDC_ISSUER: issuer.issuer, SCIMGATE_LOG_LEVEL: 'warn' },
      healthUrl: `${url}/healthz`,
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    ...child,
    url,
    cookieName: 'scimgate_session',
    async stop() {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
