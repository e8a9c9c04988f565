import { describe, expect, it } from 'vitest';
import { runSeedCommand, type SeedIo } from '../../src/cli/seed-command.js';
import { planTenant } from '../../src/cli/seed-plan.js';
import { createTestScimApp, type TestScimApp } from '../support/scim-app.js';

function io(t: TestScimApp) {
  const out = { logs: [] as string[], errors: [] as string[], progress: '' };
  const seedIo: SeedIo = {
    fetch: async (url, init) => t.app.request(url, init),
    progress: (text) => void (out.progress += text),
    log: (line) => void out.logs.push(line),
    error: (line) => void out.errors.push(line),
  };
  return { out, seedIo };
}

const flags = (entries: Record<string, string | number>) => new Map(Object.entries(entries).map(([k, v]) => [k, String(v)]));
const count = (t: TestScimApp, table: string) =>
  (t.store.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('scimgate seed', () => {
  it('loads users, groups, memberships and nesting chains through the SCIM API', async () => {
    const t = createTestScimApp();
    const { out, seedIo } = io(t);
    const shape = { users: 60, groups: 200, memberships: 600, depth: 4 };
    const code = await runSeedCommand(flags({ ...shape, url: 'http://scim.test', token: t.token, batch: 25, concurrency: 4 }), {}, seedIo);
    expect(out.errors).toEqual([]);
    expect(code).toBe(0);
    const plan = planTenant(shape);
    expect(count(t, 'users')).toBe(60);
    expect(count(t, 'groups')).toBe(200);
    expect(count(t, 'group_users')).toBe(plan.totalMemberships);
    expect(count(t, 'group_groups')).toBe(plan.nesting.length);
    // Two chains four deep: each top reaches its three descendants.
    expect(plan.chains).toHaveLength(2);
    expect(count(t, 'group_closure')).toBe(2 * (3 + 2 + 1));
    expect(out.progress).toMatch(/\[#+\] users 60\/60/);
    expect(out.logs.at(-1)).toMatch(/^seeded 60 users, 200 groups, \d+ memberships, 6 nesting edges .* requests\/s/);
  });

  it('refuses bad flags and a missing token with exit code 2, naming the flag', async () => {
    const t = createTestScimApp();
    const { out, seedIo } = io(t);
    expect(await runSeedCommand(flags({ users: 'many', url: 'http://scim.test' }), {}, seedIo)).toBe(2);
    expect(out.errors.join('\n')).toMatch(/--users: "many"/);
    expect(out.errors.join('\n')).toMatch(/--token/);
  });

  it('stops with exit code 1 and the SCIM error when the server refuses a request', async () => {
    const t = createTestScimApp();
    const { out, seedIo } = io(t);
    expect(await runSeedCommand(flags({ users: 3, groups: 1, memberships: 3, depth: 1, url: 'http://scim.test', token: 'wrong' }), {}, seedIo)).toBe(1);
    expect(out.errors.join('\n')).toMatch(/POST \/Users → 401/);
  });
});
