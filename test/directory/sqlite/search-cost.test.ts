/** Which searches stay on the request thread: indexed lookups only (src/directory/sqlite/search-cost.ts). */
import { describe, expect, it } from 'vitest';
import { runsInline } from '../../../src/directory/sqlite/search-cost.js';
import { parseAttrPath, parseFilter } from '../../../src/scim/protocol/filter/index.js';
import { groupResourceType, userResourceType, type ResourceTypeDef } from '../../../src/scim/protocol/schemas/index.js';
import { attributeLookup } from '../../../src/scim/protocol/schemas/lookup.js';

const inline = (filter: string | undefined, type: ResourceTypeDef = userResourceType, sortBy?: string) => {
  const parsed = filter === undefined ? undefined : parseFilter(filter);
  if (parsed && !parsed.ok) throw new Error(filter);
  const sort = sortBy === undefined ? undefined : parseAttrPath(sortBy);
  return runsInline({ attributes: attributeLookup(type), filter: parsed?.value, sortBy: sort?.ok ? sort.value : undefined, offset: 0, limit: 10 }, type.id);
};

describe('searches SQLite answers from an index run inline; the rest go to the search thread', () => {
  it.each([
    [undefined],
    ['userName eq "a@x"'],
    ['USERNAME eq "a@x"'],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"'],
    ['externalId eq "e" and emails co "x"'],
    ['id eq "a" or id eq "b"'],
    ['groups[value eq "g"]'],
    ['groups.value eq "g" and active eq true'],
    ['groups eq "g"'],
  ])('User %s: inline', (filter) => expect(inline(filter)).toBe(true));

  it.each([
    ['userName co "a"'],
    ['userName eq "a" or emails co "x"'],
    ['not (userName eq "a")'],
    ['userName pr'],
    ['emails[value eq "a"]'],
    ['groups.display eq "g"'],
    ['title eq "x"'],
    ['userName ne "a"'],
    ['userName eq null'],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1"'],
  ])('User %s: search thread', (filter) => expect(inline(filter)).toBe(false));

  it('a sorted list goes to the search thread, even unfiltered', () => {
    expect(inline(undefined, userResourceType, 'userName')).toBe(false);
  });

  it('Groups: displayName, externalId and members[value eq] are indexed', () => {
    expect(inline('displayName eq "x"', groupResourceType)).toBe(true);
    expect(inline('members[value eq "u" and type eq "User"]', groupResourceType)).toBe(true);
    expect(inline('members.value eq "u"', groupResourceType)).toBe(true);
    expect(inline('members[type eq "User"]', groupResourceType)).toBe(false);
    expect(inline('userName eq "x"', groupResourceType)).toBe(false);
  });
});
