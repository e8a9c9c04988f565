// Harness self-check: headless Chromium can drive the test OP's login page to a code at the
// relying party's redirect URI. When the forward-auth story fails, this tells apart "the browser
// or the provider is broken" from "scimgate is".
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProvider, TEST_CLIENTS } from '../support/oidc-provider.js';
import type { TestProvider } from '../support/oidc-provider.js';
import { launchBrowser } from './support/browser.js';
import type { Browser } from './support/browser.js';
import { signInAtProvider } from './support/provider-login.js';

const TENANT = '7e57e2e0-0000-4000-8000-0000000000a0';
const REDIRECT_URI = 'http://127.0.0.1:9/oauth2/callback';

describe('e2e harness: Chromium signs in at the test OpenID provider', () => {
  let op: TestProvider;
  let browser: Browser;

  beforeAll(async () => {
    op = await startTestProvider({
      tenants: [TENANT],
      accounts: { [TENANT]: [{ login: 'harness', oid: '7e57e2e0-0000-4000-8000-0000000000a1' }] },
      redirectUris: [REDIRECT_URI],
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await Promise.allSettled([browser?.close(), op?.close()]);
  });

  it('fills the login form and is redirected to the redirect URI with a code', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL(`${op.issuer(TENANT)}/auth`);
    url.search = new URLSearchParams({
      client_id: TEST_CLIENTS.secretBasic.clientId,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid profile email',
      state: 'harness-state',
      nonce: 'harness-nonce',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    // Nothing listens at the redirect URI: capture the navigation instead of loading it.
    const landed = new Promise<URL>((resolve) => {
      void browser.page.route('http://127.0.0.1:9/**', async (route) => {
        resolve(new URL(route.request().url()));
        await route.fulfill({ status: 200, contentType: 'text/plain', body: 'callback reached' });
      });
    });
    await browser.page.goto(url.href);
    await browser.screenshot('00-provider-login');
    await signInAtProvider(browser.page, { login: 'harness', leaving: (u) => u.port === '9' });
    const callback = await landed;
    expect(callback.pathname).toBe('/oauth2/callback');
    expect(callback.searchParams.get('state')).toBe('harness-state');
    expect(callback.searchParams.get('code')).toMatch(/.+/);
  });
});
