/** fast-check generators for filter ASTs and filter-ish text, shared by the property tests. */
import fc from 'fast-check';
import type { AttrPath, CompareOp, CompValue, Filter } from '../../../../src/scim/protocol/filter/index.js';

const OPS: readonly CompareOp[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];
const URNS = [
  'urn:ietf:params:scim:schemas:core:2.0:User',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  'urn:example:ext:1.0',
];

// Keywords are legal attribute names too, so the printer and parser must keep them apart.
const attrName: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,8}$/),
  fc.constantFrom('$ref', 'and', 'or', 'not', 'eq', 'pr', 'true', 'null', 'userName', 'emails'),
);

export const attrPath: fc.Arbitrary<AttrPath> = fc
  .record({ schema: fc.option(fc.constantFrom(...URNS), { nil: undefined }), attr: attrName, sub: fc.option(attrName, { nil: undefined }) })
  .map(({ schema, attr, sub }) => {
    const path: AttrPath = schema === undefined ? { attr } : { schema, attr };
    if (sub !== undefined) path.sub = sub;
    return path;
  });

export const compValue: fc.Arbitrary<CompValue> = fc.oneof(
  fc.string({ unit: 'binary' }),
  // Any UTF-16 code unit, lone surrogates included: JSON.stringify escapes them and the lexer must undo it.
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) }),
  fc.string(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

const leaf: fc.Arbitrary<Filter> = fc.oneof(
  attrPath.map((path): Filter => ({ kind: 'present', path })),
  fc.record({ op: fc.constantFrom(...OPS), path: attrPath, value: compValue }).map(({ op, path, value }): Filter => ({ kind: 'compare', op, path, value })),
);

function tree(withValuePaths: boolean): fc.Arbitrary<Filter> {
  return fc.letrec<{ filter: Filter }>((tie) => ({
    filter: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.record({ left: tie('filter'), right: tie('filter') }).map(({ left, right }): Filter => ({ kind: 'and', left, right })),
      fc.record({ left: tie('filter'), right: tie('filter') }).map(({ left, right }): Filter => ({ kind: 'or', left, right })),
      tie('filter').map((filter): Filter => ({ kind: 'not', filter })),
      ...(withValuePaths
        ? [fc.record({ path: attrPath, filter: tree(false) }).map(({ path, filter }): Filter => ({ kind: 'valuePath', path, filter }))]
        : []),
    ),
  })).filter;
}

/** Any filter the grammar can express (value paths do not nest). */
export const filterAst: fc.Arbitrary<Filter> = tree(true);

const filterishToken = fc.oneof(
  fc.constantFrom('(', ')', '[', ']', '.', ' ', '"', '\\', 'and', 'or', 'not', 'not(', 'eq', 'NE', 'co', 'pr', 'gt', 'true', 'null'),
  fc.constantFrom('"x"', '"a\\"b"', '"\\u00e9"', '-1.5e3', '0', '01', 'emails', 'name.givenName', 'urn:x:y:z', ':', '$ref', '1e999'),
  attrName,
  fc.string({ maxLength: 3 }),
);

/** Random sequences of filter-ish tokens: close enough to real filters to reach deep into the parser. */
export const filterishText: fc.Arbitrary<string> = fc
  .array(fc.tuple(filterishToken, fc.constantFrom('', ' ')), { maxLength: 30 })
  .map((parts) => parts.map(([token, space]) => token + space).join(''));
