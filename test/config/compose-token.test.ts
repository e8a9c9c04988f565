// docker-compose.yml tells a new user how long SCIMGATE_SCIM_TOKEN must be; the server must accept
// a token of exactly that length (and no shorter), or the container restarts forever at boot.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';

const compose = readFileSync('docker-compose.yml', 'utf8');

describe('docker-compose.yml: the documented SCIM token length is the server\'s', () => {
  const documented = /SCIMGATE_SCIM_TOKEN \((?:at least|≥) (\d+) characters/.exec(compose);

  it('states a minimum length', () => {
    expect(documented?.[1]).toBeDefined();
  });

  it('a token of that many characters boots; one fewer is refused, naming the variable', () => {
    const length = Number(documented?.[1]);
    expect(loadConfig({ env: { SCIMGATE_SCIM_TOKEN: 'k'.repeat(length) } }).ok).toBe(true);
    const shorter = loadConfig({ env: { SCIMGATE_SCIM_TOKEN: 'k'.repeat(length - 1) } });
    expect(shorter.ok).toBe(false);
    if (!shorter.ok) expect(shorter.error.message).toContain('SCIMGATE_SCIM_TOKEN');
  });

  it('the suggested generator makes a long enough token (openssl rand -hex 32: 64 characters)', () => {
    const bytes = /openssl rand -hex (\d+)/.exec(compose)?.[1];
    expect(Number(bytes) * 2).toBeGreaterThanOrEqual(Number(documented?.[1]));
  });
});
