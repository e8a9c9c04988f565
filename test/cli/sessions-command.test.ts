// `scimgate sessions list|revoke` as operators run them: the CLI from source as a child process,
// against the database file of a real running server (its own process's caches, sign-in through
// the test OP), plus the command function directly for its output and its refusals.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSessionStore, type SessionStore } from '../../src/access/sessions/index.js';
import { runSessionsOn } from '../../src/cli/session-admin.js';
import { runSessionsCommand } from '../../src/cli/sessions-command.js';
import { parseArgs } from '../../src/cli/settings.js';
import { loadConfig } from '../../src/config/index.js';
import { createDirectory, type Directory } from '../../src/directory/index.js';
import { createLogger } from '../../src/http/logger.js';
import { startServer, type RunningServer } from '../../src/main.js';
import { openStore, type Store } from '../../src/store/index.js';
import { freePort } from '../support/free-port.js';
import { ACCOUNTS, ALICE, TENANT_A, TENANTS } from '../support/oidc-fixtures.js';
import { startTestProvider, TEST_CLIENTS, type TestProvider } from '../support/oidc-provider.js';
import { signIn } from '../support/oidc-sign-in.js';

const CLI = resolve(import.meta.dirname, '../../src/cli/index.ts');
const TOKEN = 'sessions-command-test-token-0123456789abcdef';
const execFileAsync = promisify(execFile);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}
async function cli(database: string, ...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, ['--import', 'tsx', CLI, ...args, '--database', database], {
      env: { ...process.env, SCIMGATE_CONFIG: '', SCIMGATE_DATABASE: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const cookiesOf = (response: Response) => response.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');

describe('scimgate sessions, against a running server on the same database', () => {
  let dir: string;
  let database: string;
  let origin: string;
  let op: TestProvider;
  let server: RunningServer;
  let side: Store;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scimgate-sessions-cli-'));
    database = join(dir, 'scimgate.db');
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    op = await startTestProvider({ tenants: TENANTS, accounts: ACCOUNTS, redirectUris: [`${origin}/oauth2/callback`] });
    const loaded = loadConfig({
      env: { SCIMGATE_SCIM_TOKEN: TOKEN },
      overrides: {
        server: { host: '127.0.0.1', port, publicUrl: origin },
        database: { path: database },
        oidc: { issuer: op.issuer(TENANT_A), clientId: TEST_CLIENTS.secretBasic.clientId, clientSecret: TEST_CLIENTS.secretBasic.secret },
      },
    });
    if (!loaded.ok) throw new Error(loaded.error.message);
    server = await startServer(loaded.value, { logger: createLogger({ level: 'silent' }) });
    side = openStore(database, { migrate: false });
  });
  afterAll(async () => {
    side?.close();
    await server?.close();
    await op?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const scimCreate = async (userName: string, externalId: string): Promise<string> => {
    const res = await fetch(`${origin}/scim/v2/Users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, externalId, active: true }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  /** A real sign-in through the test OP; the session cookie it ends with. */
  const signInAlice = async (): Promise<string> => {
    const start = await fetch(`${origin}/oauth2/start?rd=/`, { redirect: 'manual' });
    const callback = await signIn(start.headers.get('location') ?? '', { login: ALICE.login });
    const finished = await fetch(callback, { redirect: 'manual', headers: { Cookie: cookiesOf(start) } });
    expect(finished.status).toBe(302);
    const session = finished.headers.getSetCookie().find((line) => line.startsWith('scimgate_session='));
    if (!session) throw new Error('no session cookie');
    return session.split(';')[0] as string;
  };
  const forwardAuth = async (cookie: string) =>
    (await fetch(`${origin}/oauth2/auth`, { headers: { Cookie: cookie, 'X-Original-URL': 'http://app.test/' } })).status;

  /** The CLI entry's own path (src/cli/session-admin.ts) in this process, on its own connection: quick enough to come before the server's remembered decision expires. */
  const inProcess = (...args: string[]) => {
    const { positional, flags } = parseArgs(args);
    const log: string[] = [];
    const code = runSessionsOn(database, positional.slice(1), flags, { log: (l) => log.push(l), error: (l) => log.push(l) });
    return { code, out: log.join('\n') };
  };

  it("after `sessions revoke --user`, the running server refuses that user's cookie at once — and no one else's", async () => {
    const aliceId = await scimCreate(ALICE.preferredUsername as string, ALICE.oid);
    const carolId = await scimCreate('carol@a.example', 'carol-oid');
    const alice = await signInAlice();
    const carol = `scimgate_session=${createSessionStore({ store: side }).create({ userId: carolId, tenantId: TENANT_A, issuer: 'i', subject: 'carol', absoluteTtlSeconds: 3600, idleTtlSeconds: 3600 }).secret}`;
    expect(await forwardAuth(carol)).toBe(202);

    const listed = await cli(database, 'sessions', 'list', '--user', ALICE.preferredUsername as string, '--format', 'json');
    expect(listed).toMatchObject({ code: 0 });
    const rows = JSON.parse(listed.stdout) as { userId: string; userName: string; state: string }[];
    expect(rows).toEqual([expect.objectContaining({ userId: aliceId, userName: ALICE.preferredUsername, state: 'live' })]);

    // Twice: the second decision is the server's remembered one, which the revoke must end too.
    expect(await forwardAuth(alice)).toBe(202);
    expect(await forwardAuth(alice)).toBe(202);
    expect(inProcess('sessions', 'revoke', '--user', aliceId)).toEqual({ code: 0, out: expect.stringContaining(`Revoked 1 session of ${ALICE.preferredUsername}`) });
    expect(await forwardAuth(alice)).toBe(401);
    expect(await forwardAuth(carol)).toBe(202);
    // The revocation is in the change log with its reason, in the revoke's own write.
    const logged = side.sqlite.prepare("SELECT data FROM events WHERE type = 'session.revoked'").all() as { data: string }[];
    expect(logged.map((row) => JSON.parse(row.data))).toEqual([{ userId: aliceId, reason: 'admin' }]);
    // And the hooks hear of it like any other revocation (issue 14): the sign-in (by the server), the admin revoke (by the CLI).
    const hooked = side.sqlite.prepare("SELECT type, body FROM hook_outbox WHERE type LIKE 'session.%' ORDER BY seq").all() as { type: string; body: string }[];
    expect(hooked.map((row) => ({ type: row.type, ...(JSON.parse(row.body) as object) }))).toEqual([
      expect.objectContaining({ type: 'session.created', user: expect.objectContaining({ id: aliceId }) }),
      expect.objectContaining({ type: 'session.revoked', user: expect.objectContaining({ id: aliceId }), session: expect.objectContaining({ reason: 'admin' }) }),
    ]);

    // The spawned command, as an operator runs it.
    const spawned = await cli(database, 'sessions', 'revoke', '--user', 'carol@a.example');
    expect(spawned).toMatchObject({ code: 0, stdout: expect.stringContaining('Revoked 1 session of carol@a.example') });
    expect(await forwardAuth(carol)).toBe(401);
    const after = await cli(database, 'sessions', 'list', '--all');
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/alice@a\.example .*revoked \(admin\)/);
    expect(after.stdout).toMatch(/carol@a\.example .*revoked \(admin\)/);
    expect(inProcess('sessions', 'revoke', '--user', 'alice@a.example')).toEqual({ code: 0, out: expect.stringContaining('no live session') });
  });

  it('an unknown user, a missing --user and a missing database are refused with the reason', async () => {
    expect(await cli(database, 'sessions', 'revoke', '--user', 'nobody@a.example')).toMatchObject({ code: 1, stderr: expect.stringContaining('no directory user with id or userName "nobody@a.example"') });
    expect(await cli(database, 'sessions', 'revoke')).toMatchObject({ code: 2, stderr: expect.stringContaining('sessions revoke needs --user USER') });
    const missing = join(dir, 'absent.db');
    expect(await cli(missing, 'sessions', 'list')).toMatchObject({ code: 1, stderr: expect.stringContaining(`no database at ${missing}`) });
  });
});

describe('runSessionsCommand', () => {
  let store: Store;
  let directory: Directory;
  let sessions: SessionStore;
  let clock: number;
  const out = () => {
    const log: string[] = [];
    const error: string[] = [];
    return { log, error, sink: { log: (l: string) => log.push(l), error: (l: string) => error.push(l) } };
  };
  const run = (args: string[], flags: Record<string, string> = {}) => {
    const o = out();
    const code = runSessionsCommand(args, new Map(Object.entries(flags)), {
      sessions,
      findUser: (ref) => directory.users.get(ref) ?? (() => {
        const found = directory.lookup.findUserByAttribute('userName', ref);
        return found.found === 'one' ? found.user : undefined;
      })(),
      userName: (id) => directory.users.get(id)?.userName,
      now: () => new Date(clock),
    }, o.sink);
    return { code, log: o.log.join('\n'), error: o.error.join('\n') };
  };
  const newUser = (userName: string) => {
    const created = directory.users.create({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, active: true });
    if (!created.ok) throw new Error(created.error.detail);
    return created.value.id;
  };
  const session = (userId: string, ttl = 3600) => sessions.create({ userId, tenantId: null, issuer: 'https://idp.example', subject: userId, absoluteTtlSeconds: ttl, idleTtlSeconds: ttl });

  beforeEach(() => {
    clock = Date.parse('2026-02-01T09:00:00.000Z');
    store = openStore(':memory:');
    sessions = createSessionStore({ store, now: () => new Date(clock) });
    directory = createDirectory({ store });
    return () => store.close();
  });

  it('lists live sessions newest first as a table; --all adds revoked and expired ones with their state', () => {
    const alice = newUser('alice@example.com');
    const bob = newUser('bob@example.com');
    const a = session(alice);
    clock += 1000;
    session(bob, 60);
    clock += 1000;
    const b2 = session(bob);
    sessions.revoke(a.secret, 'sign-out');
    clock += 61_000;
    const live = run(['list']);
    expect(live.code).toBe(0);
    expect(live.log.split('\n')).toEqual([
      'ID                                    USER             CREATED                   LAST SEEN                 EXPIRES                   STATE',
      `${b2.session.id}  bob@example.com  2026-02-01T09:00:02.000Z  2026-02-01T09:00:02.000Z  2026-02-01T10:00:02.000Z  live`,
    ]);
    const all = run(['list'], { all: 'true' });
    expect(all.log.split('\n').map((line) => line.split(/\s{2,}/).at(-1))).toEqual(['STATE', 'live', 'expired', 'revoked (sign-out)']);
    expect(run(['list'], { user: 'alice@example.com' }).log).toBe('No live sessions.');
  });

  it('a userName with a newline or tab is shown escaped: it cannot fake a row of the table', () => {
    const eve = newUser('eve\nfake-session-id  admin@example.com\tx');
    session(eve);
    const lines = run(['list']).log.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('eve\\nfake-session-id  admin@example.com\\tx');
  });

  it('--limit keeps the newest and says more are stored', () => {
    const alice = newUser('alice@example.com');
    for (let i = 0; i < 3; i++) {
      session(alice);
      clock += 1000;
    }
    const { log } = run(['list'], { limit: '2' });
    expect(log.split('\n')).toHaveLength(4);
    expect(log).toContain('(the newest 2 shown; narrow with --user or raise --limit)');
  });

  it('revoke ends every live session of the user, with the reason "admin"', () => {
    const alice = newUser('alice@example.com');
    const first = session(alice);
    const second = session(alice);
    expect(run(['revoke'], { user: 'alice@example.com' })).toMatchObject({ code: 0, log: 'Revoked 2 sessions of alice@example.com (reason "admin"); every server refuses them from its next request.' });
    expect(sessions.lookup(first.secret)).toBeUndefined();
    expect(sessions.lookup(second.secret)).toBeUndefined();
    expect(sessions.list({ ended: true, limit: 10 }).map((s) => s.revokeReason)).toEqual(['admin', 'admin']);
  });

  it.each([
    [['revoke'], {}, 'sessions revoke needs --user USER'],
    [['revoke'], { user: 'true' }, '--user needs a user id or userName'],
    [['revoke', 'alice'], {}, 'unexpected argument "alice"'],
    [['list'], { format: 'xml' }, '--format must be table or json'],
    [['list'], { limit: '0' }, '--limit must be a whole number'],
    [['purge'], {}, 'unknown subcommand "purge"'],
    [[], {}, 'missing subcommand'],
  ])('usage error %j %j → exit 2: %s', (args, flags, message) => {
    const { code, error } = run(args, flags);
    expect(code).toBe(2);
    expect(error).toContain(message);
  });
});
