/**
 * The generation forward-auth decisions are cached at: every directory change — made here or by
 * another connection to the same file — and every sign-out makes decisions cached before it stale.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDecider } from '../../src/access/decision.js';
import { createDirectoryGeneration } from '../../src/access/decision-generation.js';
import { DEFAULT_POLICY } from '../../src/access/policy/index.js';
import { createSessionStore } from '../../src/access/sessions/index.js';
import { createDirectory } from '../../src/directory/index.js';
import { ok } from '../../src/shared/result.js';
import { openStore, type Store } from '../../src/store/index.js';
import { useTwoConnections } from '../support/two-connections.js';

let store: Store;
beforeEach(() => {
  store = openStore(':memory:');
});
afterEach(() => store.close());

const seedUser = (directory: ReturnType<typeof createDirectory>, userName: string) => {
  const user = directory.users.create({ userName });
  if (!user.ok) throw new Error('seed');
  return user.value;
};

describe('directory generation for decision caches', () => {
  it('moves on every directory change event, of any type', () => {
    const directory = createDirectory({ store });
    const generation = createDirectoryGeneration(directory.version);
    const g0 = generation.current();
    const user = seedUser(directory, 'a@example.com');
    const g1 = generation.current();
    expect(g1).toBeGreaterThan(g0);
    const group = directory.groups.create({ displayName: 'G', members: [{ value: user.id }] });
    if (!group.ok) throw new Error('seed');
    const g2 = generation.current();
    expect(g2).toBeGreaterThan(g1);
    directory.users.modify(user.id, (doc) => ok({ ...doc, displayName: 'A' }));
    expect(generation.current()).toBeGreaterThan(g2);
    expect(generation.current()).toBe(generation.current());
  });

  it('a rolled-back change still moves it: one needless recompute, never a stale allow', () => {
    const directory = createDirectory({
      store,
      listeners: [
        () => {
          throw new Error('abort');
        },
      ],
    });
    const generation = createDirectoryGeneration(directory.version);
    const before = generation.current();
    expect(() => directory.users.create({ userName: 'a@example.com' })).toThrow('abort');
    expect(generation.current()).toBeGreaterThan(before);
  });

  it("sign-out moves it through the session store's onRevoke", () => {
    const directory = createDirectory({ store });
    const generation = createDirectoryGeneration(directory.version);
    const sessions = createSessionStore({ store, onRevoke: () => void generation.bump() });
    const { secret } = sessions.create({ userId: 'u', tenantId: null, issuer: 'i', subject: 's', absoluteTtlSeconds: 60, idleTtlSeconds: 60 });
    const before = generation.current();
    sessions.revoke(secret, 'sign-out');
    expect(generation.current()).toBeGreaterThan(before);
  });
});

describe('directory version across processes (two connections to one file)', () => {
  const stores = useTwoConnections('scimgate-version-');

  /** Requests are separate turns of the event loop; the commit watch reads once per turn. */
  const nextRequest = () => new Promise<void>((resolve) => setImmediate(resolve));

  it('moves when another connection changes the directory, and only then', async () => {
    const { here, there } = stores;
    const directory = createDirectory({ store: here });
    const elsewhere = createDirectory({ store: there });
    const v0 = directory.version();
    await nextRequest();
    expect(directory.version()).toBe(v0);
    seedUser(elsewhere, 'b@example.com');
    await nextRequest();
    const v1 = directory.version();
    expect(v1).toBeGreaterThan(v0);
    await nextRequest();
    expect(directory.version()).toBe(v1);
    // A commit that is not a directory change (a session, a token's last use) leaves it alone.
    createSessionStore({ store: there }).create({ userId: 'u', tenantId: null, issuer: 'i', subject: 's', absoluteTtlSeconds: 60, idleTtlSeconds: 60 });
    await nextRequest();
    expect(directory.version()).toBe(v1);
    // This process's own changes move it too.
    seedUser(directory, 'c@example.com');
    expect(directory.version()).toBeGreaterThan(v1);
  });

  it("a change that rolled back while asking for the version does not hide another process's next event", async () => {
    const { here, there } = stores;
    // The revocation listener moves the generation inside the transaction; if the version
    // remembered that transaction's own event number, the other process's event — which reuses
    // the number after the rollback — would look like nothing.
    let directory: ReturnType<typeof createDirectory> | undefined;
    const generation = createDirectoryGeneration(() => directory?.version() ?? 0);
    directory = createDirectory({
      store: here,
      listeners: [
        () => {
          generation.bump();
          generation.current(); // anything asking inside the transaction
        },
        () => {
          throw new Error('a later listener fails');
        },
      ],
    });
    const elsewhere = createDirectory({ store: there });
    await nextRequest();
    expect(() => seedUser(directory as ReturnType<typeof createDirectory>, 'rolled-back@example.com')).toThrow('a later listener fails');
    await nextRequest();
    const before = generation.current();
    seedUser(elsewhere, 'elsewhere@example.com');
    await nextRequest();
    expect(generation.current()).toBeGreaterThan(before);
  });

  it("another server's sign-out ends this server's remembered decision at its next request", async () => {
    const ANY_USER = DEFAULT_POLICY;
    const { here, there } = stores;
    // This server: a decider with its cache, as main.ts wires it.
    const directory = createDirectory({ store: here });
    const generation = createDirectoryGeneration(directory.version);
    const sessions = createSessionStore({ store: here, onRevoke: () => void generation.bump() });
    const decider = createDecider({
      sessions,
      users: directory.users,
      effectiveGroups: (id) => directory.effective.effectiveGroups(id),
      generation: () => generation.current(),
    });
    // The other server, on the same file, signs the session out.
    const elsewhere = createDirectory({ store: there });
    const elsewhereSessions = createSessionStore({ store: there, recordRevocation: ({ id }) => elsewhere.recordSessionRevoked(id) });
    const user = seedUser(directory, 'signed-in@example.com');
    const { secret } = sessions.create({ userId: user.id, tenantId: null, issuer: 'i', subject: 's', absoluteTtlSeconds: 600, idleTtlSeconds: 600 });
    await nextRequest();
    const allowed = decider.decide({ secret, policy: ANY_USER });
    expect(allowed.outcome).toBe('allow');
    await nextRequest();
    expect(decider.decide({ secret, policy: ANY_USER }).outcome).toBe('allow'); // remembered
    expect(elsewhereSessions.revoke(secret, 'sign-out')).toBe(true);
    await nextRequest();
    expect(decider.decide({ secret, policy: ANY_USER })).toMatchObject({ outcome: 'unauthenticated', reasons: ['user-inactive'] });
  });
});
