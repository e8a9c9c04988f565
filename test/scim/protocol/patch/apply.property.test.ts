import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPatch, parsePatchRequest, splitGroupPatch, type JsonObject, type JsonValue } from '../../../../src/scim/protocol/patch/index.js';
import { ENTERPRISE, PATCH_OP, groupResourceType, user, userResourceType } from './helpers.js';

const paths = fc.constantFrom(
  'title',
  'active',
  'displayName',
  'name',
  'name.givenName',
  'emails',
  'emails.value',
  'emails[type eq "work"]',
  'emails[type eq "work"].value',
  'emails[type eq "work"].primary',
  'emails[value co "@" or primary eq true]',
  'phoneNumbers[type eq "mobile"].value',
  'addresses[type eq "work" and primary eq true].locality',
  'id',
  'meta',
  'groups',
  'members',
  'members[value eq "a"]',
  'nope',
  `${ENTERPRISE}:manager`,
  `${ENTERPRISE}:manager[value eq "m"]`,
  `${ENTERPRISE}:manager.value`,
  `${ENTERPRISE}:department`,
  ENTERPRISE,
  'urn:example:ext:1.0:User:badge',
  'urn:ietf:params:scim:schemas:core:2.0:User:userName',
);
const keys = fc.oneof(paths, fc.constantFrom('schemas', '__proto__', 'urn:example:ext:1.0:User', 'Name.GivenName'), fc.string({ maxLength: 8 }));
const values: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>,
  fc.constantFrom<JsonValue>('True', 'false', '', null, [], { value: 'm' }, [{ value: 'a', type: 'work', primary: true }], { givenName: 'A' }),
);
const operation = fc.record(
  {
    op: fc.constantFrom('add', 'replace', 'remove', 'Add', 'Replace', 'Remove', 'move'),
    path: paths,
    value: fc.oneof(values, fc.dictionary(keys, values, { maxKeys: 4 }) as fc.Arbitrary<JsonValue>),
  },
  { requiredKeys: ['op'] },
);

const startDoc: JsonObject = user({
  name: { givenName: 'A', familyName: 'S' },
  emails: [
    { value: 'a@work.example', type: 'work', primary: true },
    { value: 'a@home.example', type: 'home' },
  ],
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
  [ENTERPRISE]: { manager: { value: 'm' }, department: 'R&D' },
  'urn:example:ext:1.0:User': { badge: 'B' },
});

describe('RFC 7644 §3.5.2 PATCH engine properties', () => {
  it('random operation lists never throw, never mutate the input, and never store a dotted or prototype key', () => {
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 6 }), (operations) => {
        const parsed = parsePatchRequest({ schemas: [PATCH_OP], Operations: operations });
        if (!parsed.ok) return;
        const before = structuredClone(startDoc);
        const result = applyPatch(startDoc, parsed.value, userResourceType);
        expect(startDoc).toEqual(before);
        if (!result.ok) {
          expect(result.error.status).toBe(400);
          return;
        }
        expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype);
        for (const key of Object.keys(result.value)) expect(key.startsWith('urn:') || !key.includes('.')).toBe(true);
        expect(Array.isArray(result.value.schemas)).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('random PATCH bodies never make the parser throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.record({ schemas: fc.constant([PATCH_OP]), Operations: fc.array(fc.jsonValue({ maxDepth: 3 })) })), (body) => {
        const result = parsePatchRequest(body);
        if (!result.ok) expect(result.error.status).toBe(400);
      }),
      { numRuns: 1500 },
    );
  });

  it('random group operations split without throwing, and the document part applies cleanly or fails with 400', () => {
    const group: JsonObject = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'g1', displayName: 'Eng' };
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 6 }), (operations) => {
        const parsed = parsePatchRequest({ Operations: operations });
        if (!parsed.ok) return;
        const plan = splitGroupPatch(parsed.value);
        if (!plan.ok) {
          expect(plan.error.status).toBe(400);
          return;
        }
        const before = structuredClone(group);
        const result = applyPatch(group, plan.value.docOps, groupResourceType);
        expect(group).toEqual(before);
        if (!result.ok) expect(result.error.status).toBe(400);
      }),
      { numRuns: 1000 },
    );
  });
});
