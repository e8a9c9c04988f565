// A user's row after any sequence of changes: its indexed columns are the document's values, and
// every index agrees with the table, whichever columns each UPDATE named.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDirectory } from '../../../src/directory/index.js';
import { userColumns } from '../../../src/directory/sqlite/user-columns.js';
import { ok } from '../../../src/shared/result.js';
import type { JsonObject } from '../../../src/scim/protocol/json.js';
import { openStore } from '../../../src/store/index.js';

const SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const change = fc.record({
  user: fc.integer({ min: 0, max: 2 }),
  userName: maybe(fc.constantFrom('a', 'A', 'b', 'c@x', 'C@X')),
  externalId: maybe(fc.constantFrom('e1', 'e2', null)),
  displayName: maybe(fc.constantFrom('One', 'one', 'Two', null)),
  active: maybe(fc.boolean()),
});

describe('user rows after changes', () => {
  it('keep their indexed columns equal to the document, and every index consistent', () => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 30 }), (changes) => {
        const store = openStore(':memory:');
        try {
          const directory = createDirectory({ store });
          const ids = ['u0', 'u1', 'u2'].map((userName) => {
            const created = directory.users.create({ schemas: [SCHEMA], userName, externalId: 'e0', displayName: 'Zero' });
            if (!created.ok) throw created.error;
            return created.value.id;
          });
          for (const { user, ...fields } of changes) {
            const id = ids[user] as string;
            directory.users.modify(id, (current) => {
              const next: JsonObject = { ...current };
              for (const [name, value] of Object.entries(fields)) {
                if (value === undefined) continue;
                if (value === null) delete next[name];
                else next[name] = value;
              }
              return ok(next);
            });
          }
          for (const id of ids) {
            const row = store.sqlite.prepare('SELECT user_name, external_id, display_name, active, doc FROM users WHERE id = ?').get(id) as {
              user_name: string; external_id: string | null; display_name: string | null; active: number; doc: string;
            };
            const columns = userColumns(JSON.parse(row.doc) as JsonObject);
            expect({ userName: row.user_name, externalId: row.external_id, displayName: row.display_name, active: row.active === 1 }).toEqual(columns);
            expect(directory.users.get(id)).toMatchObject(columns);
          }
          expect(store.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
        } finally {
          store.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
