import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Filter } from '../../../../src/scim/protocol/filter/index.js';
import { parseFilter, printFilter } from '../../../../src/scim/protocol/filter/index.js';
import { filterAst } from './arbitraries.js';

const a: Filter = { kind: 'present', path: { attr: 'a' } };
const b: Filter = { kind: 'compare', op: 'eq', path: { attr: 'b' }, value: 'x' };
const c: Filter = { kind: 'compare', op: 'gt', path: { schema: 'urn:ex:1.0', attr: 'c', sub: 'd' }, value: -0 };

describe('RFC 7644 §3.4.2.2 filtering: canonical text', () => {
  it.each<[Filter, string]>([
    [a, 'a pr'],
    [c, 'urn:ex:1.0:c.d gt -0'],
    [{ kind: 'and', left: { kind: 'or', left: a, right: b }, right: a }, '(a pr or b eq "x") and a pr'],
    [{ kind: 'and', left: a, right: { kind: 'and', left: a, right: b } }, 'a pr and (a pr and b eq "x")'],
    [{ kind: 'or', left: { kind: 'and', left: a, right: b }, right: a }, 'a pr and b eq "x" or a pr'],
    [{ kind: 'or', left: a, right: { kind: 'or', left: a, right: b } }, 'a pr or (a pr or b eq "x")'],
    [{ kind: 'not', filter: a }, 'not (a pr)'],
    [{ kind: 'valuePath', path: { attr: 'emails' }, filter: b }, 'emails[b eq "x"]'],
    [{ kind: 'compare', op: 'eq', path: { attr: 's' }, value: 'q"\\\n' }, 's eq "q\\"\\\\\\n"'],
    [{ kind: 'compare', op: 'ne', path: { attr: 's' }, value: null }, 's ne null'],
  ])('prints %j as %s', (filter, text) => {
    expect(printFilter(filter)).toBe(text);
  });

  it('prints text that parses back to the same AST', () => {
    fc.assert(
      fc.property(filterAst, (ast) => {
        const text = printFilter(ast);
        const parsed = parseFilter(text);
        if (!parsed.ok) throw new Error(`${text}: ${parsed.error.detail}`);
        expect(parsed.value).toStrictEqual(ast);
      }),
      { numRuns: 2000 },
    );
  });

  it('is a fixed point: printing a parsed canonical filter gives the same text', () => {
    fc.assert(
      fc.property(filterAst, (ast) => {
        const text = printFilter(ast);
        const parsed = parseFilter(text);
        expect(parsed.ok && printFilter(parsed.value)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});
