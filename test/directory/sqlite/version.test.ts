// directory.version() and group commit: a group starts from what other processes committed
// before it, and a group that rolls back moves the version, so nothing computed from its rows is reused.
import { describe, expect, it } from 'vitest';
import { createDirectory } from '../../../src/directory/index.js';
import { useTwoConnections } from '../../support/two-connections.js';

const user = (userName: string) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName });

describe('directory version with grouped writes', () => {
  const db = useTwoConnections('scimgate-version-');

  it("sees another process's change made before a group begins, from inside the group", async () => {
    const here = createDirectory({ store: db.here });
    const there = createDirectory({ store: db.there });
    const before = here.version();
    there.users.create(user('elsewhere@x'));
    // A later run of JavaScript, as a later batch is (the commit watch reads once per run).
    await Promise.resolve();
    db.here.writes.during(() => {
      here.users.create(user('here@x'));
      // Inside a transaction the version answers without looking; the group brought it up to date first.
      expect(here.version()).toBeGreaterThan(before + 1);
    });
  });

  it('moves when a group rolls back', () => {
    const here = createDirectory({ store: db.here });
    db.here.sqlite.exec('CREATE TABLE trap (ref INTEGER REFERENCES users(key) DEFERRABLE INITIALLY DEFERRED)');
    let inGroup = 0;
    db.here.writes.during(() => {
      expect(here.users.create(user('phantom@x')).ok).toBe(true);
      inGroup = here.version();
      db.here.sqlite.exec('INSERT INTO trap VALUES (-1)');
    });
    expect(here.users.list({ offset: 0, limit: 10 })).toMatchObject({ ok: true, value: { total: 0 } });
    expect(here.version()).toBeGreaterThan(inGroup);
  });
});
