/**
 * user.groups_changed costs a group write reads over every user it reaches (10,000 for a
 * 10,000-member group nested somewhere), so the server works it out only while a hook subscriber
 * may take it (src/main.ts → DirectoryDeps.effectiveGroupChanges). Driven through a real server
 * (startServer) and a real receiver verifying with `standardwebhooks`: without such a subscriber
 * the outbox gets no user.groups_changed; a reload that adds one turns it on at once, and the new
 * webhook gets the events from then on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config, type ConfigFileInput } from '../../src/config/index.js';
import { createLogger } from '../../src/http/logger.js';
import { startServer } from '../../src/main.js';
import { freePort } from '../support/free-port.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

const TOKEN = 'groups-changed-test-token-0123456789-abcdef';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
type Webhooks = NonNullable<NonNullable<ConfigFileInput['hooks']>['webhooks']>;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const newSecret = () => `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`;

async function eventually(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('user.groups_changed is worked out only while a subscriber may take it', () => {
  it('no such subscriber: group writes append none; a reload adding one turns them on, and it receives them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scimgate-groups-changed-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const database = join(dir, 'scimgate.db');
    const port = await freePort();
    const secret = newSecret();
    const siem = await startWebhookReceiver({ secrets: [secret] });
    const access = await startWebhookReceiver({ secrets: [secret] });
    cleanups.push(() => siem.close(), () => access.close());
    const configWith = (webhooks: Webhooks): Config => {
      const loaded = loadConfig({
        env: {},
        overrides: { server: { host: '127.0.0.1', port }, database: { path: database }, scim: { token: TOKEN }, hooks: { pollInterval: '50ms', webhooks } },
      });
      if (!loaded.ok) throw new Error(loaded.error.message);
      return loaded.value;
    };
    const siemOnly: Webhooks = [{ name: 'siem', url: siem.url, secrets: [{ value: secret }], events: ['user.deactivated'] }];
    let next = configWith(siemOnly);
    const server = await startServer(next, { logger: createLogger({ level: 'silent' }), reload: { file: undefined, load: () => ({ ok: true, value: next }) } });
    cleanups.push(() => server.close());
    const call = async (method: string, path: string, body: unknown) => {
      const res = await fetch(`${server.url}/scim/v2${path}`, {
        method,
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/scim+json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBeLessThan(300);
      return (res.status === 204 ? {} : await res.json()) as { id: string };
    };
    const members = (op: string, id: string) => ({ schemas: [PATCH], Operations: [{ op, path: 'members', value: [{ value: id }] }] });
    const outboxTypes = () => {
      const db = new Database(database, { readonly: true });
      try {
        return db.prepare<[], string>('SELECT type FROM hook_outbox ORDER BY seq').pluck().all();
      } finally {
        db.close();
      }
    };

    const alice = await call('POST', '/Users', { schemas: [USER], userName: 'alice@example.com' });
    const parent = await call('POST', '/Groups', { schemas: [GROUP], displayName: 'parent' });
    const child = await call('POST', '/Groups', { schemas: [GROUP], displayName: 'child', members: [{ value: alice.id }] });
    await call('PATCH', `/Groups/${parent.id}`, members('add', child.id));
    expect(outboxTypes()).not.toContain('user.groups_changed');

    next = configWith([...siemOnly, { name: 'access', url: access.url, secrets: [{ value: secret }], events: ['user.groups_changed'] }]);
    expect(server.reload('test').status).toBe('applied');
    // Alice leaves `child`, so `parent` (through nesting) too.
    await call('PATCH', `/Groups/${child.id}`, { schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${alice.id}"]` }] });
    expect(outboxTypes().filter((type) => type === 'user.groups_changed')).toHaveLength(1);
    await eventually(() => access.deliveries.length >= 1);
    const data = (access.deliveries[0]?.body as { data: { user: { id: string }; groups: { added: unknown[]; removed: { displayName: string }[] } } }).data;
    expect(data.user.id).toBe(alice.id);
    expect(data.groups.removed.map((g) => g.displayName)).toEqual(['child', 'parent']);
    expect(data.groups.added).toEqual([]);
    expect(siem.deliveries).toEqual([]);
  });
});
