// `scimgate access review|user` and `scimgate policy explain|test` as operators run them: the
// built-from-source CLI as a child process, against a real database file and a YAML config with
// policies, plus the command functions directly for the output formats.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createPolicySource, findUser } from '../../src/access/index.js';
import { runAccessCommand } from '../../src/cli/access-command.js';
import { runPolicyCommand } from '../../src/cli/policy-command.js';
import { loadConfig } from '../../src/config/index.js';
import { createDirectory, type Directory } from '../../src/directory/index.js';
import { openStore, type Store } from '../../src/store/index.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CLI = resolve(import.meta.dirname, '../../src/cli/index.ts');
const run = promisify(execFile);

const ROUTES = [
  { host: 'app.example.com', pathPrefix: '/eng', allowedGroups: ['Engineering'] },
  { host: 'app.example.com', pathPrefix: '/office', policy: { allow: { and: [{ authenticated_user: true }, { source_ip: { in: ['10.0.0.0/8'] } }] } } },
  {
    host: 'app.example.com',
    pathPrefix: '/wiki',
    policy: { allow: { and: [{ [`attribute/${ENTERPRISE}:department`]: 'Engineering' }] }, deny: { or: [{ groups: { has: 'Contractors' } }] } },
  },
  // Session facts a review or an explanation without a session does not know.
  { host: 'app.example.com', pathPrefix: '/mfa', policy: { allow: { and: [{ groups: { has: 'Engineering' } }, { 'claim/amr': 'mfa' }] } } },
  { host: 'app.example.com', pathPrefix: '/fresh', policy: { allow: { and: [{ authenticated_user: true }, { session_age: '8h' }] } } },
  // `/exact/secret.` reads `/exact/secret.` literally and `/exact/secret` leniently (IIS drops the dot).
  { host: 'app.example.com', pathPrefix: '/exact', policy: { allow: { and: [{ authenticated_user: true }] }, deny: { or: [{ http_path: { is: '/exact/secret' } }] } } },
];

let dir: string;
let configPath: string;
let store: Store;
let directory: Directory;

function user(userName: string, department: string, active = true): string {
  const created = directory.users.create({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE], userName, active, [ENTERPRISE]: { department } });
  if (!created.ok) throw new Error(created.error.detail);
  return created.value.id;
}
function group(displayName: string, members: { value: string }[]): string {
  const created = directory.groups.create({ displayName }, members);
  if (!created.ok) throw new Error(created.error.detail);
  return created.value.id;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scimgate-cli-access-'));
  const database = join(dir, 'scimgate.db');
  configPath = join(dir, 'scimgate.yaml');
  writeFileSync(configPath, stringify({ database: { path: database }, routes: ROUTES }));
  store = openStore(database);
  directory = createDirectory({ store });
  const alice = user('alice@contoso.com', 'Engineering');
  const bob = user('bob@contoso.com', 'Engineering');
  const carol = user('carol@contoso.com', 'Engineering', false);
  user('dave@contoso.com', 'Sales');
  const platform = group('Platform Team', [{ value: alice }, { value: carol }]);
  group('Engineering', [{ value: platform }, { value: bob }]);
  const vendors = group('Vendors', [{ value: bob }]);
  group('Contractors', [{ value: vendors }]);
  store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function deps() {
  const loaded = loadConfig({ file: configPath, env: {} });
  if (!loaded.ok) throw new Error(loaded.error.message);
  const policies = createPolicySource(loaded.value.routes);
  return { policies, bulk: directory.bulk, users: directory.users, lookup: directory.lookup, effectiveGroups: (id: string) => directory.effective.effectiveGroups(id) };
}
function capture(fn: (out: { log(l: string): void; error(l: string): void }) => number) {
  const log: string[] = [];
  const error: string[] = [];
  const code = fn({ log: (l) => log.push(l), error: (l) => error.push(l) });
  return { code, log: log.join('\n'), error: error.join('\n') };
}
const access = (args: string[], flags: Record<string, string> = {}) => capture((out) => runAccessCommand(args, new Map(Object.entries(flags)), deps(), out));
const policy = (args: string[], flags: Record<string, string> = {}) =>
  capture((out) =>
    runPolicyCommand(args, new Map(Object.entries(flags)), {
      explain: deps,
      tests: (fixtures) => ({
        policies: deps().policies,
        ...(fixtures ? {} : { directory: (ref: string) => {
          const d = deps();
          const found = findUser(d, ref);
          return found ? { user: found, groups: d.effectiveGroups(found.id) } : undefined;
        } }),
      }),
    }, out),
  );

describe('scimgate access review', () => {
  it('lists who reaches a nested-group route, with the chain of groups as the reason; inactive users never', () => {
    const { code, log } = access(['review'], { url: 'https://app.example.com/eng/board' });
    expect(code).toBe(0);
    expect(log).toContain('alice@contoso.com  allowed  alice@contoso.com → Platform Team → Engineering');
    expect(log).toContain('bob@contoso.com    allowed  bob@contoso.com → Engineering');
    expect(log).not.toContain('carol');
    expect(log).not.toContain('dave');
    expect(log).toMatch(/2 of 4 directory users can reach it \(0 conditional\)/);
  });

  it('marks access that depends on the client address as conditional', () => {
    const { log } = access(['review'], { url: 'https://app.example.com/office', format: 'json' });
    const review = JSON.parse(log);
    expect(review.entries.map((e: { userName: string; reach: string }) => `${e.userName} ${e.reach}`)).toEqual([
      'alice@contoso.com conditional',
      'bob@contoso.com conditional',
      'dave@contoso.com conditional',
    ]);
  });

  it('a deny on a nested group removes the user; CSV quotes what needs it', () => {
    const { log } = access(['review'], { url: 'https://app.example.com/wiki', format: 'csv' });
    expect(log.split('\n')).toEqual(['userName,id,access,dependsOn,reason', expect.stringMatching(/^alice@contoso\.com,[^,]+,allowed,,.*department.*Engineering/)]);
  });

  it('a user whose access hangs on a session claim is listed as conditional on it, not left out', () => {
    const { log } = access(['review'], { url: 'https://app.example.com/mfa', format: 'json' });
    const review = JSON.parse(log) as { entries: { userName: string; reach: string; dependsOn: string[]; reasons: string[] }[] };
    expect(review.entries.map((e) => `${e.userName} ${e.reach} ${e.dependsOn.join(',')}`)).toEqual([
      'alice@contoso.com conditional claim/amr',
      'bob@contoso.com conditional claim/amr',
    ]);
    // Dave is in no Engineering group: denied whatever the claim, so left out.
    expect(review.entries[0]?.reasons).toEqual(['alice@contoso.com → Platform Team → Engineering', 'depends on claim/amr is "mfa"']);
    const table = access(['review'], { url: 'https://app.example.com/fresh' }).log;
    expect(table).toMatch(/alice@contoso\.com\s+conditional \(session_age\)/);
    expect(table).toMatch(/3 of 4 directory users can reach it \(3 conditional\)/);
  });

  it('the URL is known to a review: a deny on http_path decides for everyone', () => {
    const { log } = access(['review'], { url: 'https://app.example.com/exact/secret', format: 'json' });
    // The URL is known: the deny rule holds for everyone.
    expect(JSON.parse(log).entries).toEqual([]);
    const open = JSON.parse(access(['review'], { url: 'https://app.example.com/exact/open', format: 'json' }).log);
    expect(open.entries).toHaveLength(3);
    expect(open.entries[0]).toMatchObject({ reach: 'allowed', dependsOn: [] });
  });

  it('usage errors exit 2, unanswerable questions 1', () => {
    expect(access(['review']).code).toBe(2);
    expect(access(['review'], { url: 'https://app.example.com/', format: 'xml' }).code).toBe(2);
    expect(access(['review'], { url: 'not a url' })).toMatchObject({ code: 1, error: expect.stringContaining('not an absolute') });
    expect(access(['user', 'ghost@contoso.com'])).toMatchObject({ code: 1, error: expect.stringContaining('no directory user') });
  });
});

describe('scimgate access user', () => {
  it('every configured route and whether the user reaches it', () => {
    const { code, log } = access(['user', 'alice@contoso.com']);
    expect(code).toBe(0);
    expect(log).toMatch(/app\.example\.com\/eng\s+any\s+allowed\s+alice@contoso\.com → Platform Team → Engineering/);
    expect(log).toMatch(/app\.example\.com\/office\s+any\s+conditional/);
    expect(log).toMatch(/app\.example\.com\/wiki\s+any\s+allowed/);
    expect(log).toMatch(/app\.example\.com\/mfa\s+any\s+conditional \(claim\/amr\)/);
    expect(log).toMatch(/6 of 6 routes reachable/);
    expect(access(['user', 'bob@contoso.com']).log).toMatch(/app\.example\.com\/wiki\s+any\s+denied/);
  });
});

describe('scimgate policy explain', () => {
  it('--at is read by the same parser as audit TIME: an ISO 8601 time, not anything Date.parse takes', () => {
    const flags = { user: 'bob@contoso.com', url: 'https://app.example.com/wiki/x' };
    expect(policy(['explain'], { ...flags, at: '2026' })).toMatchObject({ code: 2 });
    expect(policy(['explain'], { ...flags, at: 'Dec 2 2026' })).toMatchObject({ code: 2 });
    expect(policy(['explain'], { ...flags, at: '2026-12-02T10:00:00' }).code).toBe(0);
  });

  it('prints the decision and the evaluated tree with each criterion\'s fact', () => {
    const { code, log } = policy(['explain'], { user: 'bob@contoso.com', url: 'https://app.example.com/wiki/x', ip: '10.1.2.3', at: '2026-12-02T10:00:00Z' });
    expect(code).toBe(0);
    expect(log.split('\n')[0]).toMatch(/^DENY bob@contoso\.com any method https:\/\/app\.example\.com\/wiki\/x\s+\(deny-matched\)/);
    expect(log).toContain('groups has "Contractors"');
    expect(log).toMatch(/department/);
    const json = JSON.parse(policy(['explain'], { user: 'alice@contoso.com', url: 'https://app.example.com/wiki/x', format: 'json' }).log);
    expect(json).toMatchObject({ allow: true, decision: 'allow', routes: [{ pathPrefix: '/wiki' }] });
  });

  it('without a session a claim is unknown: the decision is conditional and says on what', () => {
    const { code, log } = policy(['explain'], { user: 'alice@contoso.com', url: 'https://app.example.com/mfa/x' });
    expect(code).toBe(0);
    expect(log.split('\n')[0]).toMatch(/^CONDITIONAL alice@contoso\.com any method https:\/\/app\.example\.com\/mfa\/x\s+\(depends on claim\/amr\)/);
    expect(log).toMatch(/\? claim\/amr is "mfa"\s+\[claim\/amr unknown\]/);
    expect(log).toMatch(/✓ groups has "Engineering"/);
    const json = JSON.parse(policy(['explain'], { user: 'alice@contoso.com', url: 'https://app.example.com/mfa/x', format: 'json' }).log);
    expect(json).toMatchObject({ allow: false, decision: 'conditional', dependsOn: ['claim/amr'], reasons: ['conditional'] });
    expect(json.unknown).toEqual(['claims', 'session_age', 'auth_age', 'source_ip', 'method']);
  });

  it('claims and session age given as inputs are known facts', () => {
    const run = (flags: Record<string, string>, claims: string[] = []) =>
      capture((out) => runPolicyCommand(['explain'], new Map(Object.entries({ user: 'alice@contoso.com', format: 'json', ...flags })), { explain: deps, tests: () => ({ policies: deps().policies }) }, out, new Map([['claim', claims]])));
    const decision = (flags: Record<string, string>, claims?: string[]) => JSON.parse(run(flags, claims).log).decision;
    expect(decision({ url: 'https://app.example.com/mfa/x' }, ['amr=mfa'])).toBe('allow');
    expect(decision({ url: 'https://app.example.com/mfa/x' }, ['amr=["pwd","mfa"]', 'acr=1'])).toBe('allow');
    expect(decision({ url: 'https://app.example.com/mfa/x' }, ['amr=pwd'])).toBe('deny');
    expect(decision({ url: 'https://app.example.com/fresh/x', 'session-age': '2h' })).toBe('allow');
    expect(decision({ url: 'https://app.example.com/fresh/x', 'session-age': '9h' })).toBe('deny');
    expect(JSON.parse(run({ url: 'https://app.example.com/fresh/x', 'session-age': '9h' }).log).reasons).toEqual(['reauthentication-required']);
    expect(run({ url: 'https://app.example.com/mfa/x' }, ['amr'])).toMatchObject({ code: 2, error: expect.stringContaining('--claim must be NAME=VALUE') });
    expect(run({ url: 'https://app.example.com/fresh/x', 'session-age': 'soon' })).toMatchObject({ code: 2, error: expect.stringContaining('--session-age must be a duration') });
  });

  it('evaluates http_path under every reading forward auth uses, and says which decided', () => {
    const { log } = policy(['explain'], { user: 'alice@contoso.com', url: 'https://app.example.com/exact/secret.', format: 'json' });
    const json = JSON.parse(log);
    expect(json).toMatchObject({
      decision: 'deny',
      reasons: ['deny-matched'],
      readings: [
        { reading: 'literal', path: '/exact/secret.', decision: 'allow' },
        { reading: 'lenient', path: '/exact/secret', decision: 'deny' },
      ],
      decidedBy: 'lenient',
    });
    const text = policy(['explain'], { user: 'alice@contoso.com', url: 'https://app.example.com/exact/secret.' }).log;
    expect(text).toContain('path readings: literal /exact/secret. → allow; lenient /exact/secret → deny (decided)');
    expect(text).toMatch(/✓ http_path is "\/exact\/secret"\s+\[path "\/exact\/secret"\]/);
  });
});

describe('scimgate policy test', () => {
  const write = (name: string, body: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, typeof body === 'string' ? body : stringify(body));
    return file;
  };

  it('fixture users: N passed, M failed, exit 1 on a failure, and the failing case explained', () => {
    const file = write('fixtures.yaml', {
      users: [
        { userName: 'erin@contoso.com', groups: ['Engineering'], attributes: { [ENTERPRISE]: { department: 'Engineering' } } },
        { userName: 'frank@contoso.com', groups: ['Vendors', 'Contractors'], attributes: { [ENTERPRISE]: { department: 'Engineering' } } },
      ],
      cases: [
        { name: 'engineers reach the wiki', user: 'erin@contoso.com', url: 'https://app.example.com/wiki/', expect: 'allow' },
        { user: 'frank@contoso.com', url: 'https://app.example.com/wiki/', expect: 'deny' },
        { user: { userName: 'gina@contoso.com', groups: ['Sales'] }, url: 'https://app.example.com/eng/', expect: 'allow' },
        { user: 'erin@contoso.com', url: 'https://app.example.com/office', ip: '10.9.9.9', method: 'GET', at: '2026-12-02T10:00:00Z', expect: 'allow' },
      ],
    });
    const { code, log } = policy(['test', file]);
    expect(code).toBe(1);
    expect(log).toMatch(/^ok {3}1\. engineers reach the wiki: expected allow, got allow/m);
    expect(log).toMatch(/^FAIL 3\. gina@contoso\.com https:\/\/app\.example\.com\/eng\/: expected allow, got deny/m);
    expect(log.split('\n').at(-1)).toBe('3 passed, 1 failed');
  });

  it('without fixture users the cases run against the database', () => {
    const file = write('live.yaml', {
      cases: [
        { user: 'alice@contoso.com', url: 'https://app.example.com/eng/', expect: 'allow' },
        { user: 'dave@contoso.com', url: 'https://app.example.com/eng/', expect: 'deny' },
        { user: 'carol@contoso.com', url: 'https://app.example.com/eng/', expect: 'deny' },
      ],
    });
    const { code, log } = policy(['test', file]);
    expect(log.split('\n').at(-1)).toBe('3 passed, 0 failed');
    expect(code).toBe(0);
  });

  it('cases may give claims and session age; a case without them can expect conditional', () => {
    const file = write('session.yaml', {
      cases: [
        { user: 'alice@contoso.com', url: 'https://app.example.com/mfa/', claims: { amr: ['pwd', 'mfa'] }, expect: 'allow' },
        { user: 'alice@contoso.com', url: 'https://app.example.com/mfa/', claims: { amr: 'pwd' }, expect: 'deny' },
        { user: 'alice@contoso.com', url: 'https://app.example.com/mfa/', expect: 'conditional' },
        { user: 'alice@contoso.com', url: 'https://app.example.com/fresh/', session_age: '1h', expect: 'allow' },
        { user: 'alice@contoso.com', url: 'https://app.example.com/mfa/', expect: 'allow' },
      ],
    });
    const { code, log } = policy(['test', file]);
    expect(log).toMatch(/^FAIL 5\. .*: expected allow, got conditional \(depends on claim\/amr\)/m);
    expect(log.split('\n').at(-1)).toBe('4 passed, 1 failed');
    expect(code).toBe(1);
    const bad = policy(['test', write('bad-age.yaml', { cases: [{ user: 'a', url: 'https://x/', session_age: 'a while', expect: 'allow' }] })]);
    expect(bad.error).toContain('cases.0.session_age: must be a duration');
  });

  it('a malformed test file names every problem by case and key', () => {
    const file = write('bad.yaml', { cases: [{ user: 'a', url: 'https://x/', expect: 'maybe' }, { url: 'https://x/', expect: 'allow', extra: 1 }] });
    const { code, error } = policy(['test', file]);
    expect(code).toBe(1);
    expect(error).toContain('cases.0.expect');
    expect(error).toContain('cases.1.user');
    expect(error).toContain('unknown key(s) extra');
  });
});

describe('the scimgate CLI process', () => {
  it('access review and policy test through `scimgate` itself', async () => {
    const review = await run(process.execPath, ['--import', 'tsx', CLI, 'access', 'review', '--url', 'https://app.example.com/eng/x', '--format', 'csv', '--config', configPath]);
    expect(review.stdout.trim().split('\n')).toHaveLength(3);
    const file = join(dir, 'cli-cases.yaml');
    writeFileSync(file, stringify({ cases: [{ user: 'alice@contoso.com', url: 'https://app.example.com/wiki/', expect: 'deny' }] }));
    const failed = await run(process.execPath, ['--import', 'tsx', CLI, 'policy', 'test', file, '--config', configPath]).catch((error: { code: number; stdout: string }) => error);
    expect(failed).toMatchObject({ code: 1, stdout: expect.stringContaining('0 passed, 1 failed') });
  });
});
