// hooks.webhooks in the configuration: secrets from a value, a file or the environment, each
// problem named by its key (never the secret), insecure URLs only by the named opt-in.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, type ConfigFileInput } from '../../src/config/index.js';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const dir = mkdtempSync(join(tmpdir(), 'scimgate-hooks-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Webhook = NonNullable<NonNullable<ConfigFileInput['hooks']>['webhooks']>[number];
const load = (webhooks: Webhook[], env: Record<string, string> = {}) => loadConfig({ env, overrides: { hooks: { webhooks } } });
const problems = (webhooks: Webhook[], env: Record<string, string> = {}) => {
  const loaded = load(webhooks, env);
  return loaded.ok ? [] : loaded.error.problems.map((p) => `${p.path}: ${p.message}`);
};
const hook = (extra: Partial<Webhook> = {}): Webhook => ({ name: 'siem', url: 'https://siem.example.com/h', secrets: [{ value: SECRET }], ...extra });

describe('hooks.webhooks', () => {
  it('defaults: every event, 10 s timeout, 24 h max age, backoff 1 s → 10 min, poll 1 s, retention 7 days', () => {
    const loaded = load([hook()]);
    if (!loaded.ok) throw new Error(loaded.error.message);
    expect(loaded.value.hooks).toEqual({
      pollIntervalMs: 1000,
      retentionMs: 7 * 86_400_000,
      webhooks: [{ name: 'siem', url: 'https://siem.example.com/h', events: undefined, secrets: [SECRET], timeoutMs: 10_000, maxAgeMs: 86_400_000, initialBackoffMs: 1000, maxBackoffMs: 600_000 }],
    });
  });

  it('reads secrets from a file and from a named environment variable', () => {
    writeFileSync(join(dir, 'secret'), `${SECRET}\n`);
    const loaded = load([hook({ secrets: [{ file: join(dir, 'secret') }, { env: 'HOOK_SECRET' }] })], { HOOK_SECRET: SECRET });
    if (!loaded.ok) throw new Error(loaded.error.message);
    expect(loaded.value.hooks.webhooks[0]?.secrets).toEqual([SECRET, SECRET]);
  });

  it('names every problem by its key, never printing a secret', () => {
    const bad = 'whsec_c2hvcnQ=';
    const found = problems([
      hook({ secrets: [{ value: bad }, { env: 'MISSING' }] }),
      hook({ url: 'http://siem.example.com/h', events: ['user.deactivated'], backoff: { initial: '1h', max: '1m' } }),
      hook({ name: 'other', secrets: [{ value: 'nope' }, { file: join(dir, 'absent') }] }),
    ]);
    expect(found).toEqual([
      'hooks.webhooks.0.secrets.0.value: must hold 24 to 64 bytes of key (has 5)',
      'hooks.webhooks.0.secrets.1.env: the environment variable MISSING is not set',
      'hooks.webhooks.1.name: another webhook is already named "siem"',
      'hooks.webhooks.1.url: http:// on a non-loopback host sends events and signatures in clear; use https, or set allowInsecureHttp: true',
      'hooks.webhooks.1.backoff.initial: must not be longer than backoff.max',
      'hooks.webhooks.2.secrets.0.value: must start with "whsec_" (a Standard Webhooks secret)',
      `hooks.webhooks.2.secrets.1.file: cannot read ${JSON.stringify(join(dir, 'absent'))}: no such file`,
    ]);
    expect(found.join('\n')).not.toContain(bad);
  });

  it('refuses unknown event types, three secrets, a secret entry with two sources; allows http on loopback and by opt-in', () => {
    expect(problems([hook({ events: ['user.created' as never] })])[0]).toMatch(/^hooks\.webhooks\.0\.events\.0: /);
    expect(problems([hook({ secrets: [{ value: SECRET }, { value: SECRET }, { value: SECRET }] })])[0]).toMatch(/^hooks\.webhooks\.0\.secrets: /);
    expect(problems([hook({ secrets: [{ value: SECRET, env: 'X' }] })])[0]).toMatch(/^hooks\.webhooks\.0\.secrets\.0: set exactly one of value, file or env/);
    expect(problems([hook({ url: 'http://127.0.0.1:9/h' })])).toEqual([]);
    expect(problems([hook({ url: 'http://siem.internal/h', allowInsecureHttp: true })])).toEqual([]);
  });
});
