/**
 * `claim/<name>` through the compiled policy, as a table: the kept claim's shape (string, list,
 * number, boolean, object, absent) against each matcher, exactly as docs/policy.md's table says.
 * Forward auth's answer is two-valued (an absent claim or a missing session: false); without a
 * session at all, explain and review see `unknown`.
 */
import { describe, expect, it } from 'vitest';
import { evaluatePartial, evaluatePolicy, unknownFacts } from '../../../src/policy/index.js';
import { allowIf, facts } from '../support.js';

const ABSENT = Symbol('absent');
type ClaimValue = unknown;

function holds(criterion: Record<string, unknown>, value: ClaimValue): boolean {
  const claims: Record<string, unknown> = value === ABSENT ? {} : { c: value };
  return evaluatePolicy(allowIf(criterion), facts({ session: { createdAt: 0, claims } })).allow;
}

// Columns: the matcher; rows: the claim `c` as the session kept it.
const MATCHERS: [string, unknown][] = [
  ['is', 'mfa'],
  ['in', { in: ['mfa', 'hwk'] }],
  ['not_in', { not_in: ['pwd'] }],
  ['starts_with', { starts_with: 'm' }],
  ['ends_with', { ends_with: 'fa' }],
  ['contains', { contains: 'f' }],
  ['has', { has: 'mfa' }],
  ['two matchers, both must hold', { starts_with: 'm', not_in: ['mfa'] }],
];
const TABLE: [string, ClaimValue, boolean[]][] = [
  //                                  is     in     not_in starts ends   contains has    both
  ['"mfa"', 'mfa', [true, true, true, true, true, true, true, false]],
  ['["pwd", "mfa"]: some element', ['pwd', 'mfa'], [true, true, false, true, true, true, true, false]],
  ['["pwd"]', ['pwd'], [false, false, false, false, false, false, false, false]],
  ['"MFA": case-sensitive', 'MFA', [false, false, true, false, false, false, false, false]],
  ['"mobile"', 'mobile', [false, false, true, true, false, false, false, true]],
  ['absent: a missing fact, not_in included', ABSENT, [false, false, false, false, false, false, false, false]],
  ['[]: no element', [], [false, false, false, false, false, false, false, false]],
  ['an object never matches', { mfa: true }, [false, false, false, false, false, false, false, false]],
  ['null', null, [false, false, false, false, false, false, false, false]],
];

describe('claim/<name> matchers × claim shapes', () => {
  it.each(TABLE.flatMap(([shape, value, wants]) => MATCHERS.map(([matcher, spec], i) => [`${shape} × ${matcher}`, value, spec, wants[i]] as const)))(
    '%s',
    (_name, value, spec, want) => {
      expect(holds({ 'claim/c': spec }, value)).toBe(want);
    },
  );

  it.each([
    ['a number compares as its text', 2, { 'claim/c': 2 }, true],
    ['…written as a string too', 2, { 'claim/c': '2' }, true],
    ['…not_in', 2, { 'claim/c': { not_in: ['2', '3'] } }, false],
    ['…starts_with', 20, { 'claim/c': { starts_with: '2' } }, true],
    ['a boolean as "true"', true, { 'claim/c': true }, true],
    ['…and false is not "true"', false, { 'claim/c': true }, false],
    ['a list of numbers', [1, 2], { 'claim/c': { in: [2] } }, true],
    ['a list shorthand means in', 'hwk', { 'claim/c': ['mfa', 'hwk'] }, true],
  ])('%s', (_name, value, criterion, want) => {
    expect(holds(criterion, value)).toBe(want);
  });

  it('another claim of the same session does not stand in', () => {
    expect(evaluatePolicy(allowIf({ 'claim/acr': 'mfa' }), facts({ session: { createdAt: 0, claims: { amr: 'mfa' } } })).allow).toBe(false);
  });

  it('no session: false for forward auth, unknown for explain and review', () => {
    const policy = allowIf({ 'claim/c': { not_in: ['pwd'] } });
    expect(evaluatePolicy(policy, facts({ session: undefined })).allow).toBe(false);
    const partial = evaluatePartial(policy, facts({ session: undefined }), { unknown: unknownFacts({ source_ip: true, method: true, time: true, path: true }), explain: true });
    expect(partial).toMatchObject({ decision: 'conditional', dependsOn: ['claim/c'] });
    expect(JSON.stringify(partial.explain)).toContain('"value":"unknown","fact":"claim/c unknown","reads":["claim/c"]');
  });
});
