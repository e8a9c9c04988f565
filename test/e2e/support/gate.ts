// The forward-auth stage the e2e files share: the test OP with one tenant, an upstream app, the
// built scimgate configured for them (plus whatever config a file adds: routes, hooks), nginx with
// auth_request in front, headless Chromium, and a SCIM client — started in order, stopped together
// (each stop independent of the others), with one sign-in and one log dump for assertion messages.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../support/free-port.js';
import { startTestProvider, TEST_CLIENTS } from '../../support/oidc-provider.js';
import type { TestAccount, TestProvider } from '../../support/oidc-provider.js';
import { launchBrowser } from './browser.js';
import type { Browser } from './browser.js';
import { startNginx } from './nginx.js';
import type { Nginx } from './nginx.js';
import { signInAtProvider } from './provider-login.js';
import { scimClient } from './scim-client.js';
import type { ScimClient } from './scim-client.js';
import { startScimgate } from './scimgate.js';
import type { Scimgate } from './scimgate.js';
import { startUpstream } from './upstream.js';
import type { Upstream } from './upstream.js';

export interface GateOptions {
  /** Prefix of the temp dir's name. */
  name: string;
  tenant: string;
  accounts: TestAccount[];
  scimToken: string;
  routes?: Record<string, unknown>[];
  /** nginx's /admin/ auth subrequest group (`allowed_groups=`). */
  adminGroup?: string;
  /** More top-level config sections for scimgate (e.g. hooks), given the dir to put files in. */
  config?: (dir: string) => Record<string, unknown>;
}

export interface Gate {
  dir: string;
  op: TestProvider;
  upstream: Upstream;
  scimgate: Scimgate;
  nginx: Nginx;
  browser: Browser;
  scim: ScimClient;
  /** Child output for an assertion message, so a CI failure says what the servers saw. */
  logs(): string;
  /** The status of the browser's navigation to a path behind nginx. */
  status(path: string): Promise<number | undefined>;
  /** Signs the browser in through nginx at the provider; resolves back at `/` (checked by the caller). */
  signIn(account: TestAccount): Promise<void>;
  stop(): Promise<void>;
}

export async function startGate(o: GateOptions): Promise<Gate> {
  const dir = mkdtempSync(join(tmpdir(), `scimgate-e2e-${o.name}-`));
  const started: Partial<Omit<Gate, 'dir' | 'logs' | 'status' | 'signIn' | 'stop' | 'scim'>> = {};
  const stop = async () => {
    const { browser, nginx, scimgate, upstream, op } = started;
    await Promise.allSettled([browser?.close(), nginx?.stop(), scimgate?.stop(), upstream?.close(), op?.close()]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [nginxPort, scimgatePort] = [await freePort(), await freePort()];
    const publicUrl = `http://127.0.0.1:${nginxPort}`;
    const op = (started.op = await startTestProvider({ tenants: [o.tenant], accounts: { [o.tenant]: o.accounts }, redirectUris: [`${publicUrl}/oauth2/callback`] }));
    const upstream = (started.upstream = await startUpstream());
    const scimgate = (started.scimgate = await startScimgate({
      dir,
      port: scimgatePort,
      publicUrl,
      scimToken: o.scimToken,
      oidc: { issuer: op.issuer(o.tenant), clientId: TEST_CLIENTS.secretBasic.clientId, clientSecret: TEST_CLIENTS.secretBasic.secret, tenantId: o.tenant },
      routes: o.routes ?? [],
      ...(o.config ? { extra: o.config(dir) } : {}),
    }));
    const nginx = (started.nginx = await startNginx({ dir, listenPort: nginxPort, scimgatePort, upstreamPort: upstream.port, adminGroup: o.adminGroup ?? 'e2e-unused' }));
    const browser = (started.browser = await launchBrowser());
    const logs = () => `--- scimgate ---\n${scimgate.child.output().slice(-4000)}\n--- nginx ---\n${nginx.errorLog()}`;
    return {
      dir,
      op,
      upstream,
      scimgate,
      nginx,
      browser,
      scim: scimClient(`${scimgate.origin}/scim/v2`, o.scimToken),
      logs,
      status: async (path) => (await browser.page.goto(`${nginx.origin}${path}`))?.status(),
      async signIn(account) {
        const { page } = browser;
        await page.goto(`${nginx.origin}/`);
        if (new URL(page.url()).origin !== op.origin) throw new Error(`expected the provider's login, ended at ${page.url()}\n${logs()}`);
        await signInAtProvider(page, { login: account.login, leaving: (url) => url.origin === nginx.origin }).catch(() => undefined);
        await page.waitForURL((url) => url.origin === nginx.origin && !url.pathname.startsWith('/oauth2/'), { timeout: 10_000 }).catch(() => undefined);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
