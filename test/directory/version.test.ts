// directory.version() and group commit: a group starts from what other processes committed
// before it, and a group that rolls back moves the version, so nothing computed from its rows is reused.
import { describe, expect, it } from 'vitest';
import { createDirectory } from '../../src/directory/index.js';
import { useTwoConnections } from '../support/two-connections.js';

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
    expect(db.here.writes.open()).toBe(true);
    // Inside a transaction the version answers without looking; the group brought it up to date first.
    expect(here.version()).toBeGreaterThan(before);
    db.here.writes.close();
  });

  it('moves when a group rolls back', () => {
    const here = createDirectory({ store: db.here });
    db.here.sqlite.exec('CREATE TABLE trap (ref INTEGER REFERENCES users(key) DEFERRABLE INITIALLY DEFERRED)');
    db.here.writes.open();
    expect(here.users.create(user('phantom@x')).ok).toBe(true);
    const inGroup = here.version();
    db.here.sqlite.exec('INSERT INTO trap VALUES (-1)');
    db.here.writes.close();
    expect(here.users.list({ offset: 0, limit: 10 })).toMatchObject({ ok: true, value: { total: 0 } });
    expect(here.version()).toBeGreaterThan(inGroup);
  });
});
