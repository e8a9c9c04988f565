/**
 * `scimgate seed`: load a realistic tenant through the real SCIM HTTP API, the way Entra would —
 * POST each user, POST each group, PATCH members in batches, then PATCH the nesting chains —
 * with bounded concurrency, a progress bar on stderr and a final throughput line.
 * Returns an exit code (0 ok, 1 a request failed, 2 usage error) instead of exiting.
 */
import { memberIndexes, planTenant, type SeedOptions } from './seed-plan.js';

export interface SeedIo {
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** Progress goes here (stderr); it redraws one line. */
  progress(text: string): void;
  log(line: string): void;
  error(line: string): void;
  now?: () => number;
}

export const SEED_USAGE = [
  'Usage: scimgate seed [--users 100000] [--groups 10000] [--memberships 1000000] [--depth 10]',
  '                     [--url http://127.0.0.1:8080] [--token T | SCIMGATE_SCIM_TOKEN]',
  '                     [--concurrency 16] [--batch 1000] [--seed 1]',
  'Loads a generated tenant into a running scimgate through its SCIM API.',
].join('\n');

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

interface Settings extends SeedOptions {
  url: string;
  token: string;
  concurrency: number;
  batch: number;
}

function parse(flags: Map<string, string>, env: Record<string, string | undefined>): Settings | string[] {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number): number => {
    const text = flags.get(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) problems.push(`--${name}: "${text}" is not an integer ≥ ${min}`);
    return value;
  };
  const settings: Settings = {
    users: int('users', 100_000, 0),
    groups: int('groups', 10_000, 0),
    memberships: int('memberships', 1_000_000, 0),
    depth: int('depth', 10, 1),
    seed: int('seed', 1, 0),
    concurrency: int('concurrency', 16, 1),
    batch: int('batch', 1000, 1),
    url: (flags.get('url') ?? 'http://127.0.0.1:8080').replace(/\/+$/, ''),
    token: flags.get('token') ?? env.SCIMGATE_SCIM_TOKEN ?? '',
  };
  if (!/^https?:\/\/[^/]+/i.test(settings.url)) problems.push(`--url: "${settings.url}" is not an http(s) URL`);
  if (settings.token === '') problems.push('--token: a SCIM bearer token is required (or set SCIMGATE_SCIM_TOKEN)');
  if (settings.memberships > 0 && settings.users === 0) problems.push('--memberships needs --users > 0');
  return problems.length > 0 ? problems : settings;
}

/** Run `task(0…count-1)` on `concurrency` workers; the first failure stops the rest. */
async function pool(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < count) {
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(count, 1)) }, worker));
}

function bar(label: string, done: number, total: number, elapsedMs: number, requests: number): string {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  const rate = elapsedMs > 0 ? Math.round((requests * 1000) / elapsedMs) : 0;
  return `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${label} ${done}/${total}  ${rate} req/s `;
}

export async function runSeedCommand(flags: Map<string, string>, env: Record<string, string | undefined>, io: SeedIo): Promise<number> {
  if (flags.has('help')) {
    io.log(SEED_USAGE);
    return 0;
  }
  const parsed = parse(flags, env);
  if (Array.isArray(parsed)) {
    for (const problem of parsed) io.error(`error: ${problem}`);
    io.error(SEED_USAGE);
    return 2;
  }
  const s = parsed;
  const now = io.now ?? (() => performance.now());
  const plan = planTenant(s);
  const started = now();
  let requests = 0;

  const call = async (method: string, path: string, body: unknown): Promise<{ id?: string }> => {
    const res = await io.fetch(`${s.url}/scim/v2${path}`, {
      method,
      headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify(body),
    });
    requests++;
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
    return text ? (JSON.parse(text) as { id?: string }) : {};
  };
  const phase = async (label: string, count: number, task: (index: number) => Promise<void>) => {
    let done = 0;
    io.progress(bar(label, 0, count, now() - started, requests));
    await pool(count, s.concurrency, async (index) => {
      await task(index);
      done++;
      if (done % 100 === 0 || done === count) io.progress(bar(label, done, count, now() - started, requests));
    });
    io.progress('\n');
  };

  try {
    const userIds: string[] = new Array<string>(s.users);
    await phase('users', s.users, async (i) => {
      userIds[i] = (await call('POST', '/Users', plan.userDoc(i))).id ?? '';
    });
    const groupIds: string[] = new Array<string>(s.groups);
    await phase('groups', s.groups, async (j) => {
      groupIds[j] = (await call('POST', '/Groups', plan.groupDoc(j))).id ?? '';
    });
    // One PATCH per batch of members, as Entra sends membership in pieces.
    const batches: { group: number; from: number }[] = [];
    for (let j = 0; j < s.groups; j++) {
      for (let from = 0; from < plan.groupMembers(j).size; from += s.batch) batches.push({ group: j, from });
    }
    const add = (groupId: string, values: string[]) =>
      call('PATCH', `/Groups/${groupId}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'Add', path: 'members', value: values.map((value) => ({ value })) }],
      });
    await phase('member batches', batches.length, async (n) => {
      const { group, from } = batches[n] as { group: number; from: number };
      const indexes = memberIndexes(plan.groupMembers(group), s.users, from, from + s.batch);
      await add(groupIds[group] as string, indexes.map((i) => userIds[i] as string));
    });
    await phase('nesting', plan.nesting.length, async (n) => {
      const [parent, child] = plan.nesting[n] as [number, number];
      await add(groupIds[parent] as string, [groupIds[child] as string]);
    });
  } catch (error) {
    io.progress('\n');
    io.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const seconds = (now() - started) / 1000;
  io.log(
    `seeded ${s.users} users, ${s.groups} groups, ${plan.totalMemberships} memberships, ${plan.nesting.length} nesting edges ` +
      `(${plan.chains.length} chains ${plan.options.depth} deep) in ${seconds.toFixed(1)} s: ` +
      `${Math.round(requests / Math.max(seconds, 1e-3))} requests/s, ${Math.round(plan.totalMemberships / Math.max(seconds, 1e-3))} memberships/s`,
  );
  return 0;
}
