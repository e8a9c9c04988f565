/** The directory generation: any change event makes decisions cached before it stale. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSessionStore } from '../../src/access/sessions/index.js';
import { createDirectory } from '../../src/directory/index.js';
import { createDirectoryGeneration } from '../../src/revocation/index.js';
import { ok } from '../../src/scim/protocol/errors.js';
import { openStore, type Store } from '../../src/store/index.js';

let store: Store;
beforeEach(() => {
  store = openStore(':memory:');
});
afterEach(() => store.close());

describe('directory generation for decision caches', () => {
  it('bumps on every directory change event, of any type', () => {
    const generation = createDirectoryGeneration();
    const directory = createDirectory({ store, listeners: [generation.listener] });
    expect(generation.current()).toBe(0);
    const user = directory.users.create({ userName: 'a@example.com' });
    if (!user.ok) throw new Error('seed');
    const g1 = generation.current();
    expect(g1).toBeGreaterThan(0);
    const group = directory.groups.create({ displayName: 'G', members: [{ value: user.value.id }] });
    if (!group.ok) throw new Error('seed');
    const g2 = generation.current();
    expect(g2).toBeGreaterThan(g1);
    directory.users.modify(user.value.id, (doc) => ok({ ...doc, displayName: 'A' }));
    expect(generation.current()).toBeGreaterThan(g2);
  });

  it('a rolled-back change still bumps: one needless recompute, never a stale allow', () => {
    const generation = createDirectoryGeneration();
    const directory = createDirectory({
      store,
      listeners: [
        generation.listener,
        () => {
          throw new Error('abort');
        },
      ],
    });
    expect(() => directory.users.create({ userName: 'a@example.com' })).toThrow('abort');
    expect(generation.current()).toBe(1);
  });

  it('sign-out bumps it through the session store\'s onRevoke', () => {
    const generation = createDirectoryGeneration();
    const sessions = createSessionStore({ store, onRevoke: generation.bump });
    const { secret } = sessions.create({ userId: 'u', tenantId: null, issuer: 'i', subject: 's', absoluteTtlSeconds: 60, idleTtlSeconds: 60 });
    sessions.revoke(secret, 'sign-out');
    expect(generation.current()).toBe(1);
  });
});
