// The whole path as `scimgate serve` runs it: Entra's SCIM PATCH `active: "False"` is committed
// with its outbox events, the delivery worker hands them to the SSF stream a receiver created, and
// the receiver — over loopback HTTP — gets, in order, a CAEP session-revoked and a RISC
// account-disabled SET for that user, each verified with jose against the published JWKS.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/http/logger.js';
import { startServer, type RunningServer } from '../../src/main.js';
import { CAEP_SESSION_REVOKED, RISC_ACCOUNT_DISABLED, RISC_ACCOUNT_ENABLED } from '../../src/ssf/events.js';
import { createSsfTokenService } from '../../src/ssf/index.js';
import { openStore } from '../../src/store/index.js';
import { freePort } from '../support/free-port.js';
import { startPushReceiver, verifySet } from './ssf-harness.js';

const SCIM_TOKEN = 'scim-token-for-the-ssf-end-to-end-test-0123456789';
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function serve() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'scimgate-ssf-'));
  const database = join(dir, 'scimgate.db');
  const url = `http://127.0.0.1:${port}`;
  const loaded = loadConfig({
    env: {},
    overrides: {
      server: { host: '127.0.0.1', port, publicUrl: url },
      database: { path: database },
      scim: { token: SCIM_TOKEN },
      ssf: { enabled: true, allowInsecurePush: true },
    },
  });
  if (!loaded.ok) throw new Error(loaded.error.message);
  const server: RunningServer = await startServer(loaded.value, { logger: createLogger({ level: 'silent' }) });
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanup.push(() => server.close());
  // The operator's `scimgate ssf token create receiver`, on the same database.
  const cli = openStore(database);
  const token = createSsfTokenService(cli).create('receiver').token;
  cli.close();
  const scim = (method: string, path: string, body?: unknown) =>
    fetch(`${url}/scim/v2${path}`, {
      method,
      headers: { authorization: `Bearer ${SCIM_TOKEN}`, 'content-type': 'application/scim+json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return { url, token, scim };
}

describe('SSF end to end: SCIM deprovisioning → SETs at the receiver', () => {
  it('PATCH active "False" yields CAEP session-revoked then RISC account-disabled; reactivation account-enabled', async () => {
    const { url, token, scim } = await serve();
    const receiver = await startPushReceiver();
    const created = await fetch(`${url}/ssf/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: receiver.url },
        events_requested: [CAEP_SESSION_REVOKED, RISC_ACCOUNT_DISABLED, RISC_ACCOUNT_ENABLED],
      }),
    });
    expect(created.status).toBe(201);
    const stream = (await created.json()) as { aud: string };

    const user = (await (
      await scim('POST', '/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'carol@example.com',
        active: true,
        emails: [{ value: 'carol@example.com', type: 'work', primary: true }],
      })
    ).json()) as { id: string };
    const patch = await scim('PATCH', `/Users/${user.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect(patch.status).toBeLessThan(300);

    await expect.poll(() => receiver.received.length, { timeout: 30_000, interval: 50 }).toBe(2);
    const sets = await Promise.all(receiver.received.map((push) => verifySet(url, stream.aud, push.token)));
    expect(sets.map((s) => s.eventType)).toEqual([CAEP_SESSION_REVOKED, RISC_ACCOUNT_DISABLED]);
    for (const set of sets) expect(set.payload.sub_id).toEqual({ format: 'email', email: 'carol@example.com' });
    expect(sets[0]?.payload.txn).toBe(sets[1]?.payload.txn);

    await scim('PATCH', `/Users/${user.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'active', value: 'True' }],
    });
    await expect.poll(() => receiver.received.length, { timeout: 30_000, interval: 50 }).toBe(3);
    expect((await verifySet(url, stream.aud, receiver.received[2]?.token ?? '')).eventType).toBe(RISC_ACCOUNT_ENABLED);
  });
});
