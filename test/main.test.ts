// startServer as `scimgate serve` runs it: a real listening server over a real database file.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/http/logger.js';
import { startServer, type RunningServer } from '../src/main.js';
import { openStore } from '../src/store/index.js';
import { freePort } from './support/free-port.js';

const dirs: string[] = [];
const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});


async function configOn(port: number) {
  const dir = mkdtempSync(join(tmpdir(), 'scimgate-main-'));
  dirs.push(dir);
  const loaded = loadConfig({ env: {}, overrides: { server: { host: '127.0.0.1', port }, database: { path: join(dir, 'scimgate.db') } } });
  if (!loaded.ok) throw new Error(loaded.error.message);
  return loaded.value;
}

/** One raw exchange: what an HTTP/1.0 health checker (HAProxy's httpchk) sends, no Host header. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

const quiet = () => createLogger({ level: 'silent' });

describe('startServer', () => {
  it('answers an HTTP/1.0 request without a Host header (health checks)', async () => {
    const port = await freePort();
    running.push(await startServer(await configOn(port), { logger: quiet() }));
    const answer = await rawExchange(port, 'GET /healthz HTTP/1.0\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain('{"status":"ok"}');
  });

  it('rejects when the port is taken, instead of crashing the process', async () => {
    const port = await freePort();
    running.push(await startServer(await configOn(port), { logger: quiet() }));
    await expect(startServer(await configOn(port), { logger: quiet() })).rejects.toThrow(/EADDRINUSE/);
  });

  it('refuses to serve a database a newer scimgate migrated, saying so, and listens on nothing', async () => {
    const port = await freePort();
    const config = await configOn(port);
    openStore(config.database.path).close();
    const newer = openStore(config.database.path, { migrate: false });
    newer.sqlite.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('f'.repeat(64), Date.now() + 86_400_000);
    newer.close();
    await expect(startServer(config, { logger: quiet() })).rejects.toThrow(/is from a newer scimgate \(1 migration\(s\) this version does not know\)/);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});

describe('startServer wires the hooks (issue 14)', () => {
  it('a SCIM deactivation lands in the outbox of the database the server uses, with the bootstrap token\'s creation before it', async () => {
    const port = await freePort();
    const config = await configOn(port);
    const token = 'hooks-test-token-0123456789-abcdefghijklmnop';
    const server = await startServer({ ...config, scim: { ...config.scim, token } }, { logger: quiet() });
    running.push(server);
    const scim = (method: string, path: string, body: unknown) =>
      fetch(`${server.url}/scim/v2${path}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' }, body: JSON.stringify(body) });
    const created = await scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'main@example.com' });
    const { id } = (await created.json()) as { id: string };
    const patched = await scim('PATCH', `/Users/${id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] });
    expect(patched.status).toBe(200);
    const reader = openStore(config.database.path, { migrate: false });
    try {
      const types = reader.sqlite.prepare('SELECT type FROM hook_outbox ORDER BY seq').pluck().all();
      expect(types).toEqual(['scim_token.created', 'user.deactivated']);
    } finally {
      reader.close();
    }
  });
});
