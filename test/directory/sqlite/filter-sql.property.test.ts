/**
 * Property: for random filters over a small random directory, the SQL compiled by compileFilter
 * selects exactly the resources the in-memory evaluator (matchesFilter, used by PATCH) accepts;
 * filters it refuses come back as invalidFilter results, and SQLite never throws.
 *
 * Data stays ASCII: SQLite's lower() folds ASCII only, JS's toLowerCase folds everything, and
 * binary text order equals JS order only there. Group ids are lower-case because a user's
 * groups.value is compared exactly in SQL (see user-groups-sql.ts) and case-blind in memory.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../../src/directory/sqlite/filter-sql.js';
import { attributeLookup } from '../../../src/scim/protocol/schemas/lookup.js';
import type { CompareOp, CompValue, Filter } from '../../../src/scim/protocol/filter/ast.js';
import { matchesFilter } from '../../../src/scim/protocol/filter/evaluate.js';
import { groupResourceType, userResourceType, type AttrPath, type ResourceTypeDef } from '../../../src/scim/protocol/schemas/index.js';
import { openStore } from '../../../src/store/connection.js';
import { ENT, insertGroup, insertMembers, insertUser, selectIds } from './filter-sql-fixtures.js';

type Json = Record<string, unknown>;

const OPS: readonly CompareOp[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];
const GROUP_IDS = ['g1', 'g2', 'g3'] as const;
const CREATED = ['2026-01-01T00:00:00.000Z', '2026-01-01T12:00:00.000Z', '2026-03-05T08:30:00.250Z'] as const;

const text = fc.constantFrom('a', 'A', 'ab', 'aB', 'b', 'Ba', '', "o'k", '%_', 'a@x.org', 'work', 'WORK', 'home', 'u1', 'g1', 'Group', 'user', 'direct');
const dateText = fc.constantFrom('2026-01-01T00:00:00Z', '2026-01-01T12:00:00.000Z', '2026-01-01T14:00:00+02:00', '2026-02-01T00:00:00', 'garbage', '2026');
const anyValue: fc.Arbitrary<CompValue> = fc.oneof(text, fc.boolean(), fc.constant(null), fc.constantFrom(0, 1), dateText);
const optional = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });

/** A path the generator may use, with literals of its own type (mostly) or of any type (to hit type errors). */
interface PathSpec {
  path: AttrPath;
  values: fc.Arbitrary<CompValue>;
}
const spec = (path: AttrPath, values: fc.Arbitrary<CompValue> = text): PathSpec => ({ path, values: fc.oneof({ weight: 4, arbitrary: values }, { weight: 1, arbitrary: anyValue }) });

/** Attribute names in any case (RFC 7643 §2.1). */
const casedPath = (path: AttrPath): fc.Arbitrary<AttrPath> =>
  fc.boolean().map((upper) => (upper ? { ...path, attr: path.attr.toUpperCase(), ...(path.sub ? { sub: path.sub.toUpperCase() } : {}) } : path));

function leaf(specs: readonly PathSpec[]): fc.Arbitrary<Filter> {
  return fc.constantFrom(...specs).chain((s) =>
    fc.oneof(
      casedPath(s.path).map((path): Filter => ({ kind: 'present', path })),
      fc.record({ path: casedPath(s.path), op: fc.constantFrom(...OPS), value: s.values }).map((c): Filter => ({ kind: 'compare', ...c })),
    ),
  );
}

function boolean(leaves: fc.Arbitrary<Filter>, depth: number): fc.Arbitrary<Filter> {
  if (depth === 0) return leaves;
  const inner = boolean(leaves, depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: leaves },
    fc.record({ left: inner, right: inner }).map((b): Filter => ({ kind: 'and', ...b })),
    fc.record({ left: inner, right: inner }).map((b): Filter => ({ kind: 'or', ...b })),
    inner.map((filter): Filter => ({ kind: 'not', filter })),
  );
}

function filters(root: readonly PathSpec[], valuePaths: readonly { attr: string; inner: readonly PathSpec[] }[]): fc.Arbitrary<Filter> {
  const valuePath = fc
    .constantFrom(...valuePaths)
    .chain((vp) => boolean(leaf(vp.inner), 2).map((filter): Filter => ({ kind: 'valuePath', path: { attr: vp.attr }, filter })));
  return boolean(fc.oneof({ weight: 3, arbitrary: leaf(root) }, valuePath), 3);
}

// ---- Users -------------------------------------------------------------------------------

const userFilters = filters(
  [
    spec({ attr: 'id' }, fc.constantFrom('u1', 'U1', 'u2')),
    spec({ attr: 'userName' }),
    spec({ attr: 'externalId' }),
    spec({ attr: 'displayName' }),
    spec({ attr: 'title' }),
    spec({ attr: 'active' }, fc.boolean()),
    spec({ attr: 'name' }),
    spec({ attr: 'name', sub: 'givenName' }),
    spec({ attr: 'emails' }),
    spec({ attr: 'emails', sub: 'value' }),
    spec({ attr: 'emails', sub: 'type' }),
    spec({ attr: 'emails', sub: 'primary' }, fc.boolean()),
    spec({ schema: ENT, attr: 'department' }),
    spec({ schema: ENT.toUpperCase(), attr: 'department' }),
    spec({ attr: 'meta', sub: 'created' }, dateText),
    spec({ attr: 'meta', sub: 'resourceType' }, fc.constantFrom('User', 'user', 'Group')),
    spec({ attr: 'groups' }, fc.constantFrom(...GROUP_IDS)),
    spec({ attr: 'groups', sub: 'value' }, fc.constantFrom(...GROUP_IDS)),
    spec({ attr: 'groups', sub: 'display' }, fc.constantFrom('Staff', 'staff', 'Ops')),
    spec({ attr: 'bogus' }),
    spec({ attr: 'emails', sub: 'bogus' }),
  ],
  [
    { attr: 'emails', inner: [spec({ attr: 'value' }), spec({ attr: 'type' }), spec({ attr: 'primary' }, fc.boolean()), spec({ attr: 'bogus' })] },
    { attr: 'name', inner: [spec({ attr: 'givenName' }), spec({ attr: 'familyName' })] },
    { attr: 'groups', inner: [spec({ attr: 'value' }, fc.constantFrom(...GROUP_IDS)), spec({ attr: 'type' }, fc.constantFrom('direct', 'indirect'))] },
  ],
);

const userArb = fc.record({
  userName: text,
  externalId: optional(text),
  displayName: optional(text),
  active: fc.boolean(),
  title: optional(text),
  name: optional(fc.record({ givenName: optional(text), familyName: optional(text) })),
  emails: optional(fc.array(fc.record({ value: optional(text), type: optional(fc.constantFrom('work', 'home', 'WORK')), primary: optional(fc.boolean()) }), { maxLength: 3 })),
  department: optional(text),
  created: fc.constantFrom(...CREATED),
  groups: fc.subarray([...GROUP_IDS]),
});
type UserData = typeof userArb extends fc.Arbitrary<infer T> ? T : never;

const GROUP_NAMES: Record<(typeof GROUP_IDS)[number], string> = { g1: 'Staff', g2: 'Ops', g3: 'Empty' };

/** The user as a SCIM resource (what matchesFilter sees) and as stored (what SQL sees). */
function userResource(user: UserData, index: number): { id: string; userName: string; resource: Json; doc: Json } {
  const id = `u${index + 1}`;
  const userName = `${user.userName}${index}`; // unique, case-insensitively
  const doc = JSON.parse(
    JSON.stringify({
      userName,
      displayName: user.displayName,
      active: user.active,
      title: user.title,
      name: user.name,
      emails: user.emails,
      ...(user.department === undefined ? {} : { [ENT]: { department: user.department } }),
    }),
  ) as Json;
  const groups = user.groups.map((value) => ({ value, display: GROUP_NAMES[value], type: 'direct' }));
  const resource: Json = { ...doc, id, externalId: user.externalId, groups, meta: { resourceType: 'User', created: user.created, lastModified: user.created } };
  return { id, userName, resource, doc };
}

/** Compile, run, and compare with the evaluator; refusals must be invalid-filter results. */
function agrees(resourceType: ResourceTypeDef, run: (condition: Parameters<typeof selectIds>[1]) => string[], resources: readonly Json[], filter: Filter): void {
  const condition = compileFilter(filter, attributeLookup(resourceType));
  if (!condition.ok) {
    expect(condition.error.code).toBe('invalid-filter');
    return;
  }
  const expected = resources
    .filter((resource) => matchesFilter(resource, filter, resourceType.schema.attributes))
    .map((resource) => String(resource.id))
    .sort();
  expect(run(condition.value), JSON.stringify(filter)).toEqual(expected);
}

describe('RFC 7644 §3.4.2.2 filtering: SQL agrees with the in-memory evaluator', () => {
  it('users', () => {
    let compiled = 0;
    fc.assert(
      fc.property(fc.array(userArb, { minLength: 1, maxLength: 6 }), fc.array(userFilters, { minLength: 1, maxLength: 8 }), (data, fs) => {
        const store = openStore(':memory:');
        try {
          for (const id of GROUP_IDS) insertGroup(store, { id, displayName: GROUP_NAMES[id] });
          const resources = data.map((user, index) => {
            const { id, userName, resource, doc } = userResource(user, index);
            insertUser(store, { id, userName, externalId: user.externalId, displayName: user.displayName, active: user.active, created: user.created, doc });
            for (const group of user.groups) insertMembers(store, group, [{ id, type: 'User' }]);
            return resource;
          });
          for (const filter of fs) {
            if (compileFilter(filter, attributeLookup(userResourceType)).ok) compiled += 1;
            agrees(userResourceType, (condition) => selectIds(store, condition), resources, filter);
          }
        } finally {
          store.close();
        }
      }),
      { numRuns: 300 },
    );
    // The generator must mostly produce filters we accept, or the property says little.
    expect(compiled).toBeGreaterThan(300);
  });

  const groupFilters = filters(
    [
      spec({ attr: 'displayName' }, fc.constantFrom('Staff', 'staff', 'st', 'Ops', 'o')),
      spec({ attr: 'externalId' }),
      spec({ attr: 'members' }, fc.constantFrom('u1', 'u2', 'g1', 'U1')),
      spec({ attr: 'members', sub: 'value' }, fc.constantFrom('u1', 'u2', 'g1', 'U1')),
      spec({ attr: 'members', sub: 'type' }, fc.constantFrom('User', 'group', 'Group')),
      spec({ attr: 'meta', sub: 'resourceType' }, fc.constantFrom('Group', 'User')),
    ],
    [{ attr: 'members', inner: [spec({ attr: 'value' }, fc.constantFrom('u1', 'u2', 'g1')), spec({ attr: 'type' }, fc.constantFrom('User', 'Group', 'user'))] }],
  );

  const groupArb = fc.record({
    displayName: fc.constantFrom('Staff', 'Ops', 'Apps', 'Sales'),
    externalId: optional(text),
    members: fc.subarray(['u1', 'u2', 'g1', 'g2']),
  });

  it('groups', () => {
    fc.assert(
      fc.property(fc.uniqueArray(groupArb, { minLength: 1, maxLength: 4, selector: (g) => g.displayName }), fc.array(groupFilters, { minLength: 1, maxLength: 8 }), (data, fs) => {
        const store = openStore(':memory:');
        try {
          // Members must exist (membership rows hold keys): the two users, and groups of this run only.
          for (const id of ['u1', 'u2']) insertUser(store, { id, userName: id });
          const exists = (member: string) => member.startsWith('u') || Number(member.slice(1)) <= data.length;
          data.forEach((group, index) => insertGroup(store, { id: `g${index + 1}`, displayName: group.displayName, externalId: group.externalId }));
          const resources = data.map((group, index) => {
            const id = `g${index + 1}`;
            const members = group.members.filter(exists).map((member) => ({ id: member, type: member.startsWith('g') ? ('Group' as const) : ('User' as const) }));
            insertMembers(store, id, members);
            return JSON.parse(
              JSON.stringify({
                id,
                displayName: group.displayName,
                externalId: group.externalId,
                members: members.map((member) => ({ value: member.id, type: member.type })),
                meta: { resourceType: 'Group', created: '2026-01-01T00:00:00.000Z' },
              }),
            ) as Json;
          });
          for (const filter of fs) agrees(groupResourceType, (condition) => selectIds(store, condition, groupResourceType), resources, filter);
        } finally {
          store.close();
        }
      }),
      { numRuns: 200 },
    );
  });
});
