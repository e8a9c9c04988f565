/**
 * Paging (RFC 7644 §3.4.2.4 startIndex, RFC 9865 cursors): pages found by position — a seek for
 * startIndex, a keyset condition after a cursor's resource — are exactly the slices of the whole
 * ordered list, whatever the sort, its direction and missing values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDirectory, type PagePosition } from '../../../src/directory/index.js';
import { parseAttrPath, parseFilter } from '../../../src/scim/protocol/filter/index.js';
import { attributeLookups } from '../../../src/scim/protocol/schemas/lookup.js';
import { openStore } from '../../../src/store/index.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

function tenant(titles: (string | undefined)[]) {
  const store = openStore(':memory:');
  const directory = createDirectory({ store });
  titles.forEach((title, i) => {
    const doc = { schemas: [USER], userName: `user${i}`, ...(title === undefined ? {} : { title, displayName: title }) };
    const created = directory.users.create(doc);
    if (!created.ok) throw new Error(created.error.detail);
  });
  return { store, directory };
}

const path = (text: string) => {
  const parsed = parseAttrPath(text);
  if (!parsed.ok) throw new Error(text);
  return parsed.value;
};

describe('RFC 9865 cursors and RFC 7644 startIndex: pages are slices of one order', () => {
  it('for any tenant, sort, direction, filter and page size', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.constantFrom('a', 'B', 'b', 'c', ''), { nil: undefined }), { maxLength: 25 }),
        fc.constantFrom(undefined, 'title', 'displayName', 'userName'),
        fc.boolean(),
        fc.constantFrom(undefined, 'userName co "1"', 'title pr'),
        fc.integer({ min: 1, max: 7 }),
        (titles, sortBy, descending, filterText, count) => {
          const { store, directory } = tenant(titles);
          try {
            const filter = filterText === undefined ? undefined : (parseFilter(filterText) as { ok: true; value: never }).value;
            const base = { attributes: attributeLookups.User, filter, sortBy: sortBy === undefined ? undefined : path(sortBy), descending };
            const all = directory.users.list({ ...base, offset: 0, limit: 1000 });
            if (!all.ok) throw new Error(all.error.detail);
            const ids = all.value.items.map((u) => u.id);

            // startIndex pages
            const byIndex: string[] = [];
            for (let offset = 0; offset < ids.length + count; offset += count) {
              const page = directory.users.list({ ...base, offset, limit: count });
              if (!page.ok) throw new Error(page.error.detail);
              expect(page.value.total).toBe(ids.length);
              byIndex.push(...page.value.items.map((u) => u.id));
            }
            expect(byIndex).toEqual(ids);

            // cursor pages
            const byCursor: string[] = [];
            let after: PagePosition | undefined;
            for (let pages = 0; pages <= ids.length + 1; pages++) {
              const page = directory.users.list({ ...base, offset: 0, after, limit: count });
              if (!page.ok) throw new Error(page.error.detail);
              expect(page.value.total).toBe(ids.length);
              byCursor.push(...page.value.items.map((u) => u.id));
              after = page.value.next;
              if (!after) break;
            }
            expect(byCursor).toEqual(ids);
          } finally {
            store.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('sorting puts resources without a value last ascending and first descending (RFC 7644 §3.4.2.3)', () => {
    const { store, directory } = tenant(['b', undefined, 'a']);
    const order = (descending: boolean) => {
      const page = directory.users.list({ attributes: attributeLookups.User, sortBy: path('title'), descending, offset: 0, limit: 10 });
      if (!page.ok) throw new Error(page.error.detail);
      return page.value.items.map((u) => u.userName);
    };
    expect(order(false)).toEqual(['user2', 'user0', 'user1']);
    expect(order(true)).toEqual(['user1', 'user0', 'user2']);
    store.close();
  });
});
