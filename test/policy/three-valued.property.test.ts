/**
 * Three-valued evaluation (explain, access review, policy tests without a session or a request),
 * held to the two-valued one (fast-check, bounded by numRuns):
 *   - with every fact known it answers exactly as evaluatePolicy, also with the explain tree;
 *   - a definite allow or deny holds under every assignment of the unknown facts;
 *   - `conditional` means both are reachable: some assignment allows and some denies. Kleene logic
 *     promises that only where each unknown fact is read once (`A and not A` is unknown yet never
 *     true), so that property runs on policies whose every unknown criterion reads a claim of its
 *     own — as an access review's claims, ages and time usually are.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicy, evaluatePartial, evaluatePolicy, NOTHING_UNKNOWN, prepareUserFacts, unknownFacts, type CompiledPolicy, type PolicyFacts } from '../../src/policy/index.js';

const GROUPS = [
  { id: 'g-1', displayName: 'Engineering', externalId: 'ext-1' },
  { id: 'g-2', displayName: 'Contractors', externalId: null },
];
const IPS = [undefined, '10.1.2.3', '192.168.1.7', '8.8.8.8'];
const METHODS = [undefined, 'GET', 'POST'];

type Json = Record<string, unknown>;
const claimLeaf = fc.constantFrom<Json>({ 'claim/c': 'mfa' }, { 'claim/c': { not_in: ['pwd'] } }, { 'claim/c': { starts_with: 'm' } });
const userLeaf = fc.constantFrom<Json>({ groups: { has: 'Engineering' } }, { groups: { has: 'Contractors' } }, { 'attribute/title': 'Engineer' }, { accept: true }, { reject: true });
const requestLeaf = fc.constantFrom<Json>({ source_ip: { in: ['10.0.0.0/8'] } }, { source_ip: { not_in: ['192.168.0.0/16'] } }, { http_method: 'GET' }, { http_method: { not_in: ['POST'] } });
const OPS = ['and', 'or', 'not', 'nor'] as const;

function policies(leaf: fc.Arbitrary<Json>): fc.Arbitrary<Json[]> {
  const item: fc.Arbitrary<Json> = fc.letrec<{ item: Json }>((tie) => ({
    item: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.tuple(fc.constantFrom(...OPS), fc.array(tie('item'), { minLength: 1, maxLength: 3 })).map(([op, items]) => ({ [op]: items })),
    ),
  })).item;
  const block = fc.tuple(fc.constantFrom(...OPS), fc.array(item, { minLength: 1, maxLength: 3 })).map(([op, items]) => ({ [op]: items }));
  const rule = fc.oneof(block.map((allow) => ({ allow })), fc.tuple(block, block).map(([allow, deny]) => ({ allow, deny })), block.map((deny) => ({ deny })));
  return fc.array(rule, { minLength: 1, maxLength: 3 });
}

/** Each claim criterion gets a claim of its own (c0, c1, …): every unknown fact is then read once. */
function ownClaims(value: unknown, counter = { n: 0 }): unknown {
  if (Array.isArray(value)) return value.map((v) => ownClaims(v, counter));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => (key === 'claim/c' ? [`claim/c${counter.n++}`, v] : [key, ownClaims(v, counter)])));
}

const claimNames = (compiled: CompiledPolicy): string[] => compiled.claims.filter((name) => /^c\d*$/.test(name));

interface Model {
  groups: number[];
  title: string | undefined;
  ip: string | undefined;
  method: string | undefined;
}
const model: fc.Arbitrary<Model> = fc.record({
  groups: fc.uniqueArray(fc.integer({ min: 0, max: 1 }), { maxLength: 2 }),
  title: fc.option(fc.constantFrom('Engineer', 'Intern'), { nil: undefined }),
  ip: fc.constantFrom(...IPS),
  method: fc.constantFrom(...METHODS),
});
/** A claim's possible values: absent, or one making each matcher above true or false. */
const CLAIM_VALUES: (string | string[] | undefined)[] = [undefined, 'mfa', 'pwd', ['pwd', 'mfa']];

function factsOf(m: Model, claims: Record<string, unknown> | undefined, ip = m.ip, method = m.method): PolicyFacts {
  const doc: Json = { userName: 'alice' };
  if (m.title !== undefined) doc.title = m.title;
  const user = prepareUserFacts({ id: 'u-1', userName: 'alice', externalId: null, active: true, doc }, m.groups.map((i) => GROUPS[i]!));
  return { user, session: claims ? { createdAt: 0, claims } : undefined, request: { method, ip, path: '/', now: 0 } };
}

function compile(raw: unknown): CompiledPolicy {
  const compiled = compilePolicy(raw);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.error));
  return compiled.value;
}

/** Every assignment of values to `names` (absent included), as claim records. */
function* assignments(names: readonly string[], values = CLAIM_VALUES): Generator<Record<string, unknown>> {
  if (names.length === 0) return yield {};
  const [first, ...rest] = names as [string, ...string[]];
  for (const tail of assignments(rest, values)) for (const value of values) yield value === undefined ? tail : { ...tail, [first]: value };
}

const anyLeaf = fc.oneof(userLeaf, requestLeaf, claimLeaf);

describe('three-valued evaluation against the two-valued one', () => {
  it('with every fact known it agrees with evaluatePolicy, tree included', () => {
    fc.assert(
      fc.property(policies(anyLeaf).map((p) => ownClaims(p)), model, fc.constantFrom(...CLAIM_VALUES), (raw, m, value) => {
        const policy = compile(raw);
        const claims = Object.fromEntries(claimNames(policy).map((name) => [name, value]));
        const facts = factsOf(m, claims);
        const two = evaluatePolicy(policy, facts, { explain: true });
        const three = evaluatePartial(policy, facts, { unknown: NOTHING_UNKNOWN, explain: true });
        expect(three.decision).toBe(two.allow ? 'allow' : 'deny');
        expect(three.reasons).toEqual(two.reasons);
        expect(three.explain?.value).toBe(two.allow);
        expect(JSON.stringify(three.explain?.children)).toBe(JSON.stringify(two.explain?.children));
        // Facts declared known by name are the same as nothing unknown.
        const known = unknownFacts({ claims: true, session_age: true, auth_age: true, source_ip: true, time: true, method: true, path: true });
        expect(evaluatePartial(policy, facts, { unknown: known }).decision).toBe(three.decision);
      }),
      { numRuns: 400 },
    );
  });

  it('a definite answer holds under every value of the unknown claims, address and method', () => {
    fc.assert(
      fc.property(policies(anyLeaf).map((p) => ownClaims(p)), model, (raw, m) => {
        const policy = compile(raw);
        const names = claimNames(policy);
        if (names.length > 3) return; // 4^n × addresses × methods: keep each run small
        const unknown = unknownFacts({ time: true, path: true, session_age: true });
        const verdict = evaluatePartial(policy, factsOf(m, undefined), { unknown });
        const seen = new Set<boolean>();
        for (const claims of assignments(names)) for (const ip of IPS) for (const method of METHODS) seen.add(evaluatePolicy(policy, factsOf(m, claims, ip, method)).allow);
        if (verdict.decision === 'allow') expect([...seen]).toEqual([true]);
        if (verdict.decision === 'deny') expect([...seen]).toEqual([false]);
        if (verdict.decision === 'conditional') expect(verdict.dependsOn.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('conditional means some value of the unknown facts allows and some denies (each read once)', () => {
    let conditionals = 0;
    fc.assert(
      fc.property(policies(fc.oneof(userLeaf, claimLeaf)).map((p) => ownClaims(p)), model, (raw, m) => {
        const policy = compile(raw);
        const names = claimNames(policy);
        if (names.length > 6) return;
        const unknown = unknownFacts({ time: true, path: true, session_age: true, source_ip: true, method: true });
        const verdict = evaluatePartial(policy, factsOf(m, undefined), { unknown });
        const seen = new Set<boolean>();
        for (const claims of assignments(names)) seen.add(evaluatePolicy(policy, factsOf(m, claims)).allow);
        const expected = seen.size === 2 ? 'conditional' : seen.has(true) ? 'allow' : 'deny';
        expect(verdict.decision).toBe(expected);
        if (expected === 'conditional') {
          conditionals++;
          expect(new Set(verdict.dependsOn).size).toBeGreaterThan(0);
          for (const fact of verdict.dependsOn) expect(names.map((n) => `claim/${n}`)).toContain(fact);
        }
      }),
      { numRuns: 300 },
    );
    // The property is not vacuous: a fair share of the policies did hang on a claim.
    expect(conditionals).toBeGreaterThan(10);
  });
});
