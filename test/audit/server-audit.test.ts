// The audit log as `scimgate serve` wires it (src/main.ts): a real listening server over a real
// database file — the bootstrap token, a SCIM write over HTTP, config reloads (applied and
// refused), and retention applied at start.
import { mkdtempSync, rmSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuditReader, createChainVerifier, createSqliteAuditLog, type ChainAnchor } from '../../src/audit/index.js';
import { ConfigError, loadConfig, type Config } from '../../src/config/index.js';
import { createLogger } from '../../src/http/logger.js';
import { startServer, type RunningServer } from '../../src/main.js';
import { fail, ok } from '../../src/shared/result.js';
import { openStore } from '../../src/store/index.js';
import { freePort } from '../support/free-port.js';

const TOKEN = 'audit-test-bootstrap-token-0123456789abcdef';
const dirs: string[] = [];
const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function config(retention?: string): Promise<Config> {
  const dir = mkdtempSync(join(tmpdir(), 'scimgate-audit-main-'));
  dirs.push(dir);
  const loaded = loadConfig({
    env: {},
    overrides: { server: { host: '127.0.0.1', port: await freePort() }, database: { path: join(dir, 'scimgate.db') }, scim: { token: TOKEN }, ...(retention ? { audit: { retention } } : {}) },
  });
  if (!loaded.ok) throw new Error(loaded.error.message);
  return loaded.value;
}

function rows(path: string) {
  const store = openStore(path, { migrate: false });
  try {
    return [...createAuditReader(store.sqlite).rows()];
  } finally {
    store.close();
  }
}

const quiet = () => createLogger({ level: 'silent' });
const SECRET_A = `whsec_${Buffer.from('a'.repeat(32)).toString('base64')}`;
const SECRET_B = `whsec_${Buffer.from('b'.repeat(32)).toString('base64')}`;
// A receiver nobody listens on: the reloads are what is tested, not deliveries.
const WEBHOOK = { url: 'http://127.0.0.1:9/hook', events: undefined, timeoutMs: 1000, maxAgeMs: 60_000, initialBackoffMs: 100, maxBackoffMs: 1000 };

describe('the server records', () => {
  it('the bootstrap token, a SCIM write over HTTP with its request id, and config reloads (applied, refused)', async () => {
    const cfg = await config();
    let valid = true;
    const server = await startServer(cfg, { logger: quiet(), reload: { file: undefined, load: () => (valid ? ok(cfg) : fail(new ConfigError([{ path: 'routes', message: 'bad' }]))) } });
    running.push(server);
    const res = await fetch(`${server.url}/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json', 'x-request-id': 'req-over-http' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@example.com' }),
    });
    expect(res.status).toBe(201);
    const id = ((await res.json()) as { id: string }).id;
    expect(server.reload('SIGHUP').status).toBe('applied');
    valid = false;
    expect(server.reload('SIGHUP').status).toBe('invalid');
    const all = rows(cfg.database.path);
    expect(all.map((r) => [r.type, r.actor])).toEqual([
      ['scim_token.created', 'configuration'],
      ['scim.write', 'bootstrap'],
      ['config.reloaded', 'operator'],
      ['config.reloaded', 'operator'],
    ]);
    expect(all[1]).toMatchObject({ userId: id, requestId: 'req-over-http' });
    expect(JSON.parse(all[2]?.data ?? '')).toMatchObject({ trigger: 'SIGHUP', outcome: 'applied' });
    expect(JSON.parse(all[3]?.data ?? '')).toMatchObject({ trigger: 'SIGHUP', outcome: 'invalid', problems: 1 });
  });

  it('a reload that adds, changes (a rotated secret) and removes webhooks records hooks.changed, never a secret', async () => {
    const cfg = await config();
    const hook = (name: string, secret: string) => ({ ...WEBHOOK, name, secrets: [secret] });
    const first = { ...cfg, hooks: { ...cfg.hooks, webhooks: [hook('crm', SECRET_A), hook('siem', SECRET_A)] } };
    let next: Config = first;
    const server = await startServer(first, { logger: quiet(), reload: { file: undefined, load: () => ok(next) } });
    running.push(server);
    expect(server.reload('SIGHUP').status).toBe('applied'); // same webhooks: no hooks.changed
    next = { ...cfg, hooks: { ...cfg.hooks, webhooks: [hook('crm', SECRET_B), hook('hr', SECRET_A)] } };
    expect(server.reload('SIGHUP').status).toBe('applied');
    const all = rows(cfg.database.path);
    const changes = all.filter((r) => r.type === 'hooks.changed');
    expect(changes).toHaveLength(1);
    expect(changes[0]?.actor).toBe('operator');
    expect(JSON.parse(changes[0]?.data ?? '')).toEqual({ added: ['hr'], removed: ['siem'], changed: [{ name: 'crm', fields: ['secrets'] }] });
    expect(all.map((r) => r.data ?? '').join('\n')).not.toMatch(/whsec_/);
  });

  it('retention: rows older than audit.retention are pruned at start, the cut recorded, the chain intact', async () => {
    const cfg = await config('30d');
    const store = openStore(cfg.database.path);
    const old = createSqliteAuditLog({ ...store, now: () => new Date(Date.now() - 40 * 86_400_000) });
    for (let i = 0; i < 3; i++) store.writes.write(() => old.record({ type: 'old' }));
    const young = createSqliteAuditLog({ ...store, now: () => new Date(Date.now() - 10 * 86_400_000) });
    store.writes.write(() => young.record({ type: 'young' }));
    store.close();
    running.push(await startServer(cfg, { logger: quiet() }));
    const all = rows(cfg.database.path);
    expect(all.map((r) => r.type)).toEqual(['young', 'audit.pruned', 'scim_token.created']);
    const verifier = createChainVerifier();
    for (const row of all) verifier.add(row);
    expect(verifier.finish().problem).toBeUndefined();
  });

  it('the head as an anchor: logged as auditHead at start; verify --expect with it fails once the tail is cut', async () => {
    const cfg = await config('30d');
    const store = openStore(cfg.database.path);
    const log = createSqliteAuditLog(store);
    for (let i = 0; i < 3; i++) store.writes.write(() => log.record({ type: 'early' }));
    store.close();
    const lines: string[] = [];
    const destination = new PassThrough();
    destination.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    running.push(await startServer(cfg, { logger: createLogger({ destination }) }));
    const logged = lines.map((l) => JSON.parse(l) as { auditHead?: ChainAnchor }).find((l) => l.auditHead !== undefined);
    expect(logged?.auditHead).toMatchObject({ seq: 3, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const anchor = logged!.auditHead!;
    const verifyWith = (expected: ChainAnchor[]) => {
      const verifier = createChainVerifier(expected);
      for (const row of rows(cfg.database.path)) verifier.add(row);
      return verifier.finish();
    };
    expect(verifyWith([anchor]).problem).toBeUndefined();
    // Someone who can write the database removes the tail: alone, the chain still verifies.
    const raw = openStore(cfg.database.path, { migrate: false });
    raw.sqlite.exec('DELETE FROM audit_log WHERE seq >= 3');
    raw.close();
    expect(verifyWith([]).problem).toBeUndefined();
    expect(verifyWith([anchor]).problem).toMatchObject({ seq: 3, kind: 'anchor-missing' });
  });
});
