import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileFilter, compileSortKey, MAX_FILTER_SUBQUERIES, MAX_FILTER_TERMS, orderBySortKey } from '../../../src/directory/sqlite/filter-sql.js';
import type { DirectoryError } from '../../../src/persistence/directory.js';
import { attributeLookup } from '../../../src/scim/protocol/schemas/lookup.js';
import { MAX_FILTER_LENGTH } from '../../../src/scim/protocol/filter/parse.js';
import { groupResourceType, userResourceType } from '../../../src/scim/protocol/schemas/index.js';
import type { Store } from '../../../src/store/connection.js';
import { users } from '../../../src/store/schema.js';
import { compileText, ENT, exampleStore, queryPlan, run } from './filter-sql-fixtures.js';

let store: Store;
beforeEach(() => {
  store = exampleStore();
});
afterEach(() => store.close());

const users_ = (text: string): string[] | DirectoryError => run(store, text);
const groups_ = (text: string): string[] | DirectoryError => run(store, text, groupResourceType);

function expectInvalid(result: string[] | DirectoryError, detail?: RegExp): void {
  expect(Array.isArray(result)).toBe(false);
  const error = result as DirectoryError;
  expect(error.code).toBe('invalid-filter');
  if (detail) expect(error.detail).toMatch(detail);
}

describe('RFC 7644 §3.4.2.2 filtering: string operators and case rules', () => {
  it('eq on userName (caseExact=false) ignores case', () => {
    expect(users_('userName eq "alice@example.COM"')).toEqual(['u1']);
    expect(users_('USERNAME Eq "BOB"')).toEqual(['u2']);
  });

  it('eq on externalId and id (caseExact=true) is exact', () => {
    expect(users_('externalId eq "EXT-2"')).toEqual(['u2']);
    expect(users_('externalId eq "ext-2"')).toEqual([]);
    expect(users_('id eq "u3"')).toEqual(['u3']);
    expect(users_('id eq "U3"')).toEqual([]);
  });

  it('co, sw and ew treat LIKE wildcards and quotes as plain characters', () => {
    expect(users_('userName co "%_"')).toEqual(['u4']);
    expect(users_('userName sw "dave%"')).toEqual(['u4']);
    expect(users_('userName ew "%_"')).toEqual(['u4']);
    expect(users_('userName sw "_"')).toEqual([]);
    expect(users_(`displayName co "'"`)).toEqual(['u4']);
    expect(users_('userName co "EXAMPLE"')).toEqual(['u1']);
    expect(users_('userName ew "EXAMPLE.com"')).toEqual(['u1']);
    expect(users_('userName sw "ALI"')).toEqual(['u1']);
  });

  it('empty operands: co/sw/ew "" match every present value', () => {
    expect(users_('displayName co ""')).toEqual(['u1', 'u2', 'u4']);
    expect(users_('displayName sw ""')).toEqual(['u1', 'u2', 'u4']);
    expect(users_('displayName ew ""')).toEqual(['u1', 'u2', 'u4']);
  });

  it('gt/ge/lt/le order strings case-insensitively', () => {
    expect(users_('userName gt "BOB"')).toEqual(['u3', 'u4']);
    expect(users_('userName ge "BOB"')).toEqual(['u2', 'u3', 'u4']);
    expect(users_('userName lt "bob"')).toEqual(['u1']);
    expect(users_('userName le "bob"')).toEqual(['u1', 'u2']);
  });

  it('values are bound parameters, never spliced into SQL', () => {
    const condition = compileText(`userName eq "x' OR 1=1 --"`);
    expect(condition.ok).toBe(true);
    if (!condition.ok) return;
    const query = store.db.select({ id: users.id }).from(users).where(condition.value).toSQL();
    expect(query.sql).not.toContain('1=1');
    expect(query.params).toContain("x' OR 1=1 --");
    expect(users_(`userName eq "x' OR 1=1 --"`)).toEqual([]);
  });
});

describe('RFC 7644 §3.4.2.2 filtering: booleans, dateTimes and literal types', () => {
  it('boolean eq/ne on the active column', () => {
    expect(users_('active eq true')).toEqual(['u1', 'u3', 'u4']);
    expect(users_('active eq false')).toEqual(['u2']);
    expect(users_('active ne true')).toEqual(['u2']);
  });

  it('boolean sub-attributes in the document', () => {
    expect(users_('emails[primary eq true]')).toEqual(['u1']);
    expect(users_('emails.primary eq false')).toEqual(['u1']);
  });

  it('ordering a boolean, or a literal of the wrong type, is invalidFilter', () => {
    expectInvalid(users_('active gt true'), /operator "gt".*boolean/);
    expectInvalid(users_('active eq "yes"'), /boolean/);
    expectInvalid(users_('userName eq 42'), /string/);
    expectInvalid(users_('userName eq true'), /string/);
    expectInvalid(users_('displayName gt null'), /null/);
  });

  it('dateTimes compare as instants whatever the literal spelling', () => {
    expect(users_('meta.created eq "2026-01-01T00:00:00Z"')).toEqual(['u1']);
    expect(users_('meta.created eq "2026-01-01T01:00:00+01:00"')).toEqual(['u1']);
    expect(users_('meta.created eq "2026-01-01T00:00:00"')).toEqual(['u1']);
    expect(users_('meta.created gt "2026-01-15T00:00:00Z"')).toEqual(['u2', 'u3', 'u4']);
    expect(users_('meta.created ge "2026-02-01T00:00:00.000Z"')).toEqual(['u2', 'u3', 'u4']);
    expect(users_('meta.created lt "2026-02-01T00:00:00Z"')).toEqual(['u1']);
    expect(users_('meta.created le "2026-02-01T00:00:00Z"')).toEqual(['u1', 'u2']);
    expect(users_('meta.lastModified gt "2026-05-01T00:00:00Z"')).toEqual(['u1']);
    expect(users_('meta.created ne "2026-01-01T00:00:00Z"')).toEqual(['u2', 'u3', 'u4']);
  });

  it('an invalid dateTime literal, or a substring operator on a dateTime, is invalidFilter', () => {
    expectInvalid(users_('meta.created gt "yesterday"'), /not a valid dateTime/);
    expectInvalid(users_('meta.created gt "1"'), /not a valid dateTime/);
    expectInvalid(users_('meta.created gt "2026-13-45T00:00:00Z"'), /not a valid dateTime/);
    expectInvalid(users_('meta.created co "2026"'), /operator "co"/);
    expectInvalid(users_('meta.created gt 5'), /dateTime/);
  });

  it('meta.resourceType compares with the resource type name', () => {
    expect(users_('meta.resourceType eq "User"')).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(groups_('meta.resourceType eq "User"')).toEqual([]);
    expect(groups_('meta.resourceType eq "Group"')).toEqual(['g1', 'g2', 'g3']);
  });
});

describe('RFC 7644 §3.4.2.2 filtering: pr, ne, not and absent attributes', () => {
  it('pr means present and not the empty string', () => {
    expect(users_('title pr')).toEqual(['u1', 'u2']);
    expect(users_('displayName pr')).toEqual(['u1', 'u2', 'u4']);
    expect(users_('name pr')).toEqual(['u1']);
    expect(users_('name.givenName pr')).toEqual(['u1']);
    expect(users_('active pr')).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(users_('meta pr')).toEqual(['u1', 'u2', 'u3', 'u4']);
  });

  it('pr on a multi-valued attribute needs an element with a value', () => {
    expect(users_('emails pr')).toEqual(['u1', 'u2', 'u4']);
    expect(users_('emails.value pr')).toEqual(['u1', 'u2']);
    expect(users_('phoneNumbers pr')).toEqual(['u2']);
    expect(users_('addresses pr')).toEqual([]);
  });

  it('ne matches when the attribute is absent', () => {
    expect(users_('title ne "engineer"')).toEqual(['u2', 'u3', 'u4']);
    expect(users_('displayName ne "bob"')).toEqual(['u1', 'u3', 'u4']);
    expect(users_('name.givenName ne "alice"')).toEqual(['u2', 'u3', 'u4']);
  });

  it('not keeps rows whose condition is unknown (absent attribute)', () => {
    expect(users_('not (title eq "Engineer")')).toEqual(['u2', 'u3', 'u4']);
    expect(users_('not (title pr)')).toEqual(['u3', 'u4']);
    expect(users_('not (emails.value co "@")')).toEqual(['u3', 'u4']);
    expect(users_('not (not (title eq "Engineer"))')).toEqual(['u1']);
    expect(users_('not (displayName gt "a")')).toEqual(['u3']);
  });

  it('eq null asks for absence, ne null for presence', () => {
    expect(users_('displayName eq null')).toEqual(['u3']);
    expect(users_('displayName ne null')).toEqual(['u1', 'u2', 'u4']);
    expect(users_('emails eq null')).toEqual(['u3']);
  });

  it('and binds tighter than or, and parentheses are kept', () => {
    expect(users_('title eq "Engineer" or title eq "Manager" and active eq true')).toEqual(['u1']);
    expect(users_('(title eq "Engineer" or title eq "Manager") and active eq false')).toEqual(['u2']);
    expect(users_('userName eq "bob" or not (active eq true)')).toEqual(['u2']);
  });
});

describe('Entra provisioning: multi-valued attributes and value paths', () => {
  it('users without emails simply do not match emails filters', () => {
    expect(users_('emails.value co "@"')).toEqual(['u1', 'u2']);
    expect(users_('emails[type eq "work"]')).toEqual(['u1', 'u2']);
  });

  it('emails eq compares the value sub-attribute, case-insensitively', () => {
    expect(users_('emails eq "ALICE@home.org"')).toEqual(['u1']);
    expect(users_('emails.value eq "bob@CORP.com"')).toEqual(['u2']);
  });

  it('value paths match within one element', () => {
    expect(users_('emails[type eq "work" and value co "corp"]')).toEqual(['u2']);
    expect(users_('emails[type eq "home" and value co "example"]')).toEqual([]);
    expect(users_('EMAILS[TYPE eq "home" or VALUE ew ".com"]')).toEqual(['u1', 'u2']);
    expect(users_('emails[not (type eq "work")]')).toEqual(['u1', 'u4']);
  });

  it('Entra sends emails[type eq "work"].value eq "x"', () => {
    expect(users_('emails[type eq "work"].value eq "bob@corp.com"')).toEqual(['u2']);
    expect(users_('emails[type eq "home"].value eq "bob@corp.com"')).toEqual([]);
  });

  it('ne on a multi-valued attribute: no values, or some value that differs (as evaluate.ts)', () => {
    expect(users_('emails.value ne "bob@corp.com"')).toEqual(['u1', 'u3', 'u4']);
    expect(users_('emails.value ne "alice@example.com"')).toEqual(['u1', 'u2', 'u3', 'u4']);
  });

  it('a value filter on a singular complex attribute reads its sub-attributes', () => {
    expect(users_('name[givenName eq "alice" and familyName sw "sm"]')).toEqual(['u1']);
  });

  it('a value filter never matches a resource without the complex attribute, even with ne', () => {
    expect(users_('name[givenName ne "bob"]')).toEqual(['u1']);
  });

  it('a stray non-object element never makes SQLite fail', () => {
    expect(users_('emails[value eq "junk-string"]')).toEqual([]);
  });
});

describe('RFC 7643 §3.3 extension attributes', () => {
  it('are found under their schema URN, matched case-insensitively', () => {
    expect(users_(`${ENT}:department eq "r&d"`)).toEqual(['u1']);
    expect(users_(`${ENT.toUpperCase()}:DEPARTMENT eq "sales"`)).toEqual(['u2']);
    expect(users_(`${ENT}:department pr`)).toEqual(['u1', 'u2']);
    expect(users_(`not (${ENT}:department pr)`)).toEqual(['u3', 'u4']);
  });

  it('manager is compared by its value', () => {
    expect(users_(`${ENT}:manager.value eq "u2"`)).toEqual(['u1']);
    expect(users_(`${ENT}:manager eq "u2"`)).toEqual(['u1']);
    expect(users_(`${ENT}:manager eq "U2"`)).toEqual([]);
  });

  it('core attributes may carry the core schema URN', () => {
    expect(users_('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bob"')).toEqual(['u2']);
  });
});

describe('RFC 7644 §3.4.2.2: unknown or unfilterable attributes are invalidFilter', () => {
  it.each([
    ['nickName2 eq "x"', /unknown attribute "nickName2"/],
    ['emails.foo eq "x"', /unknown attribute "emails.foo"/],
    ['emails[foo eq "x"]', /unknown attribute "emails.foo"/],
    ['urn:example:unknown:1.0:User:attr eq "x"', /unknown attribute/],
    [`${ENT}:nope pr`, /unknown attribute/],
    ['members[value eq "x"]', /unknown attribute "members"/],
    ['userName[value eq "x"]', /no sub-attributes/],
    ['password eq "secret"', /password/],
    ['meta.location eq "x"', /meta.location/],
    ['meta.version eq "x"', /meta.version/],
    ['name eq "x"', /complex/],
  ])('%s', (text, detail) => {
    expectInvalid(users_(text), detail);
  });

  it('value filters cannot nest', () => {
    const filter = compileFilter(
      { kind: 'valuePath', path: { attr: 'emails' }, filter: { kind: 'valuePath', path: { attr: 'type' }, filter: { kind: 'present', path: { attr: 'value' } } } },
      attributeLookup(userResourceType),
    );
    expect(filter.ok).toBe(false);
  });
});

describe('filter work is bounded (issue 11: one filter held the server for a minute)', () => {
  const chainOf = (term: (i: number) => string, joiner: string, count: number) => Array.from({ length: count }, (_, i) => term(i)).join(` ${joiner} `);
  const longest = (term: (i: number) => string, joiner: string) => {
    let count = 1;
    while (chainOf(term, joiner, count + 1).length <= MAX_FILTER_LENGTH) count += 1;
    return chainOf(term, joiner, count);
  };

  // The reproductions, each as long as the parser allows.
  it.each([
    ['or', (i: number) => `groups.display co "zz${i}"`],
    ['or', (i: number) => `emails[value co "zz${i}"]`],
    ['and', (i: number) => `not (emails.value co "zz${i}")`],
    ['or', (i: number) => `userName eq "x${i}"`],
  ])('a chain of %s as long as the parser allows is invalidFilter naming the bound', (joiner, term) => {
    expectInvalid(users_(longest(term, joiner)), new RegExp(`at most ${MAX_FILTER_TERMS} are allowed`));
  });

  it.each([
    ['or', (i: number) => `groups.display co "zz${i}"`],
    ['or', (i: number) => `emails[value co "zz${i}" or type eq "z${i}"]`],
    ['and', (i: number) => `not (emails.value co "zz${i}")`],
    ['or', (i: number) => `emails.value ew "z${i}" or userName eq "x${i}"`],
  ])('at the bound, tests on one attribute joined by %s share one subquery (%#)', (joiner, term) => {
    const text = chainOf(term, joiner, MAX_FILTER_TERMS / 2);
    const plan = queryPlan(store, text);
    // One search of the attribute's rows per user, not one per test.
    const searches = plan.split('\n').filter((line) => /json_each|SCAN gu|SCAN c\b|SCAN g\b/.test(line)).length;
    expect(searches).toBeLessThanOrEqual(2);
    expect(Array.isArray(users_(text))).toBe(true);
  });

  it('merged tests keep their meaning', () => {
    expect(users_('emails[value co "alice"] or emails[value co "bob"] or emails.type eq "home"')).toEqual(['u1', 'u2']);
    expect(users_('not (emails.value co "alice") and not (emails.value co "bob")')).toEqual(['u3', 'u4']);
    expect(users_('groups.display eq "sales" or groups.value eq "g1" or groups[type eq "indirect"]')).toEqual(['u1', 'u2']);
    expect(groups_('members[value eq "u1"] or members.value eq "u2"')).toEqual(['g1', 'g2']);
  });

  it(`more than ${MAX_FILTER_SUBQUERIES} searches that cannot share a subquery are invalidFilter`, () => {
    const pair = (i: number) => `(emails.value co "a${i}" and emails.type eq "b${i}")`;
    expect(Array.isArray(users_(chainOf(pair, 'or', MAX_FILTER_SUBQUERIES / 2)))).toBe(true);
    expectInvalid(users_(chainOf(pair, 'or', MAX_FILTER_SUBQUERIES / 2 + 1)), /separate searches of multi-valued attributes/);
  });
});

describe('RFC 7643 §4.2 group members', () => {
  it('displayName eq ignores case', () => {
    expect(groups_('displayName eq "ENGINEERING"')).toEqual(['g1']);
    expect(groups_('externalId eq "gx-1"')).toEqual(['g1']);
  });

  it('members by value, by default value, and by type', () => {
    expect(groups_('members[value eq "u1"]')).toEqual(['g1']);
    expect(groups_('members.value eq "u2"')).toEqual(['g2']);
    expect(groups_('members eq "g2"')).toEqual(['g1']);
    expect(groups_('members[type eq "Group"]')).toEqual(['g1']);
    expect(groups_('members[type eq "user" and value eq "u2"]')).toEqual(['g2']);
  });

  it('members pr and its negation', () => {
    expect(groups_('members pr')).toEqual(['g1', 'g2']);
    expect(groups_('not (members pr)')).toEqual(['g3']);
    expect(groups_('members eq null')).toEqual(['g3']);
  });

  it('members.display is not filterable; users attributes are unknown on groups', () => {
    expectInvalid(groups_('members.display eq "x"'), /members.display/);
    expectInvalid(groups_('userName eq "x"'), /unknown attribute/);
  });
});

describe("RFC 7643 §4.1.2 a user's groups", () => {
  it('groups by value, display and type', () => {
    expect(users_('groups[value eq "g1"]')).toEqual(['u1']);
    expect(users_('groups.value eq "g2"')).toEqual(['u2']);
    // group ids are caseExact like every id, so the lookup can use the primary key
    expect(users_('groups.value eq "G2"')).toEqual([]);
    expect(users_('groups eq "g1"')).toEqual(['u1']);
    expect(users_('groups.display eq "sales"')).toEqual(['u2']);
    expect(users_('groups[type eq "direct"]')).toEqual(['u1', 'u2']);
  });

  it('groups pr and its negation', () => {
    expect(users_('groups pr')).toEqual(['u1', 'u2']);
    expect(users_('not (groups pr)')).toEqual(['u3', 'u4']);
  });

  it('a group that contains a group is not a user membership', () => {
    expect(users_('groups.value eq "g1" and id eq "g2"')).toEqual([]);
  });
});

describe('SQLite answers the common filters from indexes (EXPLAIN QUERY PLAN)', () => {
  it('userName eq uses users_user_name_ci', () => {
    expect(queryPlan(store, 'userName eq "bob"')).toMatch(/SEARCH users USING INDEX users_user_name_ci/);
  });

  it('externalId eq uses users_external_id', () => {
    expect(queryPlan(store, 'externalId eq "ext-1"')).toMatch(/SEARCH users USING INDEX users_external_id/);
  });

  it('id eq uses the id index', () => {
    expect(queryPlan(store, 'id eq "u1"')).toMatch(/SEARCH users USING (COVERING )?INDEX users_id_unique \(id=\?\)/);
  });

  it('user displayName eq uses users_display_name_ci', () => {
    expect(queryPlan(store, 'displayName eq "bob"')).toMatch(/SEARCH users USING INDEX users_display_name_ci/);
  });

  it('group displayName eq uses groups_display_name_ci', () => {
    expect(queryPlan(store, 'displayName eq "sales"', groupResourceType)).toMatch(/SEARCH groups USING INDEX groups_display_name_ci/);
  });

  it('members[value eq] starts from the member id and looks up only the groups holding it', () => {
    const plan = queryPlan(store, 'members[value eq "u1"]', groupResourceType);
    expect(plan).toMatch(/SEARCH u USING (COVERING )?INDEX users_id_unique \(id=\?\)/);
    expect(plan).toMatch(/SEARCH gu USING (COVERING )?INDEX group_users_user \(user_key=\?\)/);
    expect(plan).toMatch(/SEARCH gg USING (COVERING )?INDEX group_groups_child \(child_key=\?\)/);
    expect(plan).toMatch(/SEARCH groups USING INTEGER PRIMARY KEY/);
    expect(plan).not.toMatch(/SCAN/);
  });

  it("a user's groups[value eq] starts from the group id, then the group_users and closure primary keys", () => {
    const plan = queryPlan(store, 'groups[value eq "g1"]');
    expect(plan).toMatch(/SEARCH gu USING PRIMARY KEY \(group_key=\?\)/);
    expect(plan).toMatch(/SEARCH c USING PRIMARY KEY \(ancestor_key=\?\)/);
    expect(plan).toMatch(/SEARCH users USING INTEGER PRIMARY KEY/);
    expect(plan).not.toMatch(/SCAN/);
  });

  it('an OR of indexed equalities stays indexed', () => {
    const plan = queryPlan(store, 'userName eq "bob" or externalId eq "ext-1"');
    expect(plan).toMatch(/users_user_name_ci/);
    expect(plan).toMatch(/users_external_id/);
    expect(plan).not.toMatch(/SCAN users/);
  });
});

describe('RFC 7644 §3.4.2.3 sortBy', () => {
  function sorted(path: Parameters<typeof compileSortKey>[0], order: 'ascending' | 'descending' = 'ascending'): string[] {
    const key = compileSortKey(path, attributeLookup(userResourceType));
    if (!key.ok) throw new Error(key.error.detail);
    return store.db
      .select({ id: users.id })
      .from(users)
      .orderBy(orderBySortKey(key.value, order), users.id)
      .all()
      .map((row) => row.id);
  }

  it('caseExact=false strings sort by lower(...)', () => {
    expect(sorted({ attr: 'userName' })).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(sorted({ attr: 'userName' }, 'descending')).toEqual(['u4', 'u3', 'u2', 'u1']);
  });

  it('resources without a value sort last ascending and first descending', () => {
    expect(sorted({ attr: 'displayName' })).toEqual(['u1', 'u2', 'u4', 'u3']);
    expect(sorted({ attr: 'displayName' }, 'descending')).toEqual(['u3', 'u4', 'u2', 'u1']);
  });

  it('multi-valued attributes sort by the primary value', () => {
    // u1's primary is alice@example.com even though the home address sorts first.
    expect(sorted({ attr: 'emails' })).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(sorted({ attr: 'emails', sub: 'type' })).toEqual(['u1', 'u2', 'u3', 'u4']);
  });

  it('dateTimes and extension attributes sort', () => {
    expect(sorted({ attr: 'meta', sub: 'lastModified' }, 'descending')).toEqual(['u1', 'u4', 'u3', 'u2']);
    expect(sorted({ schema: ENT, attr: 'department' })).toEqual(['u1', 'u2', 'u3', 'u4']);
  });

  it('the userName sort key is the indexed expression', () => {
    const key = compileSortKey({ attr: 'USERNAME' }, attributeLookup(userResourceType));
    expect(key.ok).toBe(true);
    if (!key.ok) return;
    const query = store.db.select({ id: users.id }).from(users).orderBy(key.value).toSQL();
    expect(query.sql).toContain('lower("users"."user_name")');
  });

  it('unknown or unsortable attributes are refused as invalid-sort (SCIM invalidValue)', () => {
    for (const path of [{ attr: 'nope' }, { attr: 'groups' }, { attr: 'password' }, { attr: 'name' }, { attr: 'emails', sub: 'nope' }]) {
      const key = compileSortKey(path, attributeLookup(userResourceType));
      expect(key.ok).toBe(false);
      if (!key.ok) expect(key.error.code).toBe('invalid-sort');
    }
    const members = compileSortKey({ attr: 'members' }, attributeLookup(groupResourceType));
    expect(members.ok).toBe(false);
  });
});
