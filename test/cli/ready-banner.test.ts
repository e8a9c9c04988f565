// The banner `scimgate serve` prints: it must not send someone who configured a token off to create another.
import { describe, expect, it } from 'vitest';
import { readyBanner } from '../../src/cli/ready-banner.js';

describe('scimgate serve: the ready banner', () => {
  const facts = { url: 'http://127.0.0.1:8080', databasePath: './data/scimgate.db' };

  it('with SCIMGATE_SCIM_TOKEN (or scim.token/tokenFile) set, points at that token instead of asking to create one', () => {
    const banner = readyBanner({ ...facts, tokenConfigured: true });
    expect(banner).toContain('Tenant URL in Entra): http://127.0.0.1:8080/scim/v2');
    expect(banner).toContain('the bootstrap token you configured');
    expect(banner).not.toMatch(/Secret token: run/);
  });

  it('without a configured token, says how to create one', () => {
    const banner = readyBanner({ ...facts, tokenConfigured: false });
    expect(banner).toContain('Secret token: run `npm run scimgate -- token create entra --database ./data/scimgate.db`');
  });

  it('names the redirect URI to register when sign-in is configured', () => {
    expect(readyBanner({ ...facts, tokenConfigured: false, redirectUri: 'https://auth.example.com/oauth2/callback' })).toContain(
      'Sign-in: https://auth.example.com/oauth2/callback is the redirect URI',
    );
  });
});
