/**
 * Acceptance properties of the policy language (fast-check): for random policies and random user
 * and request facts, the compiled policy agrees with a small reference evaluator written here
 * from the documented rules; deny always wins; and no input makes evaluation throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicy, evaluatePolicy, prepareUserFacts, type PolicyFacts } from '../../src/policy/index.js';

const GROUPS = [
  { id: 'g-1', displayName: 'Engineering', externalId: 'ext-1' },
  { id: 'g-2', displayName: 'Platform Team', externalId: null },
  { id: 'g-3', displayName: 'Contractors', externalId: 'ext-3' },
];
const TITLES = ['Engineer', 'engineer', 'Manager', 'Intern'];

// ── A tiny model of the facts, and the reference evaluator over it ──────────────────────────
interface Model {
  active: boolean;
  groups: number[]; // indexes into GROUPS
  title: string | undefined;
  email: string | undefined;
  ip: string | undefined;
  method: string | undefined;
}

type Criterion =
  | { groups: { has: string } }
  | { groups: { not_in: string[] } }
  | { 'attribute/title': string }
  | { email: { ends_with: string } }
  | { source_ip: { in: string[] } }
  | { http_method: string }
  | { accept: true }
  | { reject: true };
type Item = Criterion | { [op: string]: Item[] };
type Block = { [op: string]: Item[] };
type Rule = { allow?: Block; deny?: Block };

const groupRef = fc.constantFrom('g-1', 'ext-1', 'engineering', 'Platform Team', 'PLATFORM TEAM', 'g-3', 'Contractors', 'nobody');
const criterion: fc.Arbitrary<Criterion> = fc.oneof(
  groupRef.map((g) => ({ groups: { has: g } })),
  fc.array(groupRef, { minLength: 1, maxLength: 3 }).map((gs) => ({ groups: { not_in: gs } })),
  fc.constantFrom(...TITLES).map((t) => ({ 'attribute/title': t })),
  fc.constantFrom('@contoso.com', '@CONTOSO.COM', '@other.org').map((s) => ({ email: { ends_with: s } })),
  fc.constantFrom('10.0.0.0/8', '192.168.1.0/24,10.1.0.0/16', '::1/128').map((r) => ({ source_ip: { in: r.split(',') } })),
  fc.constantFrom('GET', 'post', 'DELETE').map((m) => ({ http_method: m })),
  fc.constant({ accept: true as const }),
  fc.constant({ reject: true as const }),
);
const OPS = ['and', 'or', 'not', 'nor'] as const;
const item: fc.Arbitrary<Item> = fc.letrec<{ item: Item }>((tie) => ({
  item: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    criterion,
    fc.tuple(fc.constantFrom(...OPS), fc.array(tie('item'), { minLength: 1, maxLength: 3 })).map(([op, items]) => ({ [op]: items })),
  ),
})).item;
const block: fc.Arbitrary<Block> = fc
  .uniqueArray(fc.constantFrom(...OPS), { minLength: 1, maxLength: 2 })
  .chain((ops) => fc.tuple(...ops.map((op) => fc.array(item, { minLength: 1, maxLength: 3 }).map((items) => [op, items] as const))))
  .map((entries) => Object.fromEntries(entries));
const rule: fc.Arbitrary<Rule> = fc.oneof(
  block.map((allow) => ({ allow })),
  block.map((deny) => ({ deny })),
  fc.tuple(block, block).map(([allow, deny]) => ({ allow, deny })),
);
const policyArb = fc.array(rule, { minLength: 1, maxLength: 3 });

const model: fc.Arbitrary<Model> = fc.record({
  active: fc.boolean(),
  groups: fc.uniqueArray(fc.integer({ min: 0, max: 2 }), { maxLength: 3 }),
  title: fc.option(fc.constantFrom(...TITLES, 'ENGINEER'), { nil: undefined }),
  email: fc.option(fc.constantFrom('alice@contoso.com', 'Bob@Contoso.COM', 'eve@other.org'), { nil: undefined }),
  ip: fc.option(fc.constantFrom('10.1.2.3', '192.168.1.7', '::1', '8.8.8.8', 'not-an-ip'), { nil: undefined }),
  method: fc.option(fc.constantFrom('GET', 'POST', 'DELETE'), { nil: undefined }),
});

/** Does group `i` answer to `ref`? id/externalId exactly, displayName case-insensitively. */
const answers = (i: number, ref: string): boolean => {
  const g = GROUPS[i]!;
  return g.id === ref || g.externalId === ref || g.displayName.toLowerCase() === ref.toLowerCase();
};
function inCidr(ip: string | undefined, ranges: string[]): boolean {
  if (ip === undefined) return false;
  const v4 = (text: string) => (/^\d+\.\d+\.\d+\.\d+$/.test(text) ? text.split('.').reduce((n, part) => n * 256 + Number(part), 0) : undefined);
  return ranges.some((range) => {
    const [base, bits] = range.split('/');
    if (base === '::1') return ip === '::1';
    const a = v4(ip);
    const b = v4(base!);
    if (a === undefined || b === undefined) return false;
    const size = 2 ** (32 - Number(bits));
    return Math.floor(a / size) === Math.floor(b / size);
  });
}
function refCriterion(c: Criterion, m: Model): boolean {
  if ('accept' in c) return true;
  if ('reject' in c) return false;
  if ('groups' in c) {
    if ('has' in c.groups) return m.groups.some((i) => answers(i, (c.groups as { has: string }).has));
    const list = (c.groups as { not_in: string[] }).not_in;
    return !m.groups.some((i) => list.some((ref) => answers(i, ref)));
  }
  if ('attribute/title' in c) return m.title !== undefined && m.title.toLowerCase() === c['attribute/title'].toLowerCase();
  if ('email' in c) return m.email !== undefined && m.email.toLowerCase().endsWith(c.email.ends_with.toLowerCase());
  if ('source_ip' in c) return inCidr(m.ip, c.source_ip.in);
  return m.method !== undefined && m.method.toLowerCase() === c.http_method.toLowerCase();
}
function refItem(i: Item, m: Model): boolean {
  const [key, value] = Object.entries(i)[0]!;
  if ((OPS as readonly string[]).includes(key)) return refOp(key, value as Item[], m);
  return refCriterion(i as Criterion, m);
}
function refOp(op: string, items: Item[], m: Model): boolean {
  const values = items.map((x) => refItem(x, m));
  if (op === 'and') return values.every(Boolean);
  if (op === 'or') return values.some(Boolean);
  if (op === 'not') return !values.some(Boolean);
  return !values.every(Boolean); // nor
}
/** Several operators in one block are alternatives. */
const refBlock = (b: Block, m: Model): boolean => Object.entries(b).some(([op, items]) => refOp(op, items, m));
function reference(policy: Rule[], m: Model): boolean {
  if (!m.active) return false;
  const denied = policy.some((r) => r.deny !== undefined && refBlock(r.deny, m));
  const allowed = policy.some((r) => r.allow !== undefined && refBlock(r.allow, m));
  return allowed && !denied;
}

function factsOf(m: Model): PolicyFacts {
  const doc: Record<string, unknown> = { userName: 'alice' };
  if (m.title !== undefined) doc.title = m.title;
  if (m.email !== undefined) doc.emails = [{ value: m.email, primary: true }];
  const user = prepareUserFacts({ id: 'u-1', userName: 'alice', externalId: null, active: m.active, doc }, m.groups.map((i) => GROUPS[i]!));
  return { user, request: { method: m.method, path: '/', ip: m.ip, now: 0 } };
}

describe('the compiled policy against the reference evaluator', () => {
  it('agrees on every random policy and user', () => {
    fc.assert(
      fc.property(policyArb, model, (policy, m) => {
        const compiled = compilePolicy(policy);
        if (!compiled.ok) throw new Error(JSON.stringify(compiled.error));
        expect(evaluatePolicy(compiled.value, factsOf(m)).allow).toBe(reference(policy, m));
      }),
      { numRuns: 600 },
    );
  });

  it('deny always wins: a matching deny rule denies whatever the allow rules say', () => {
    fc.assert(
      fc.property(policyArb, block, model, (policy, deny, m) => {
        const withDeny = [...policy, { deny }];
        const compiled = compilePolicy(withDeny);
        if (!compiled.ok) throw new Error('compile');
        const verdict = evaluatePolicy(compiled.value, factsOf(m));
        if (refBlock(deny, m)) expect(verdict.allow).toBe(false);
        // …and adding a deny rule never turns a deny into an allow.
        const without = compilePolicy(policy);
        if (without.ok && !evaluatePolicy(without.value, factsOf(m)).allow) expect(verdict.allow).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('the explain tree says the same as the verdict', () => {
    fc.assert(
      fc.property(policyArb, model, (policy, m) => {
        const compiled = compilePolicy(policy);
        if (!compiled.ok) throw new Error('compile');
        const verdict = evaluatePolicy(compiled.value, factsOf(m), { explain: true });
        if (m.active) expect(verdict.explain?.value).toBe(verdict.allow);
      }),
      { numRuns: 200 },
    );
  });
});

describe('no input makes evaluation throw', () => {
  const json = fc.jsonValue({ maxDepth: 4 });
  it('arbitrary documents, claims and request facts', () => {
    const compiled = compilePolicy({
      allow: {
        or: [
          { 'attribute/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value': { starts_with: 'm' } },
          { scim_filter: 'emails[type eq "work" and value ew "@contoso.com"] or title pr' },
          { 'claim/amr': 'mfa' },
          { time_of_day: { timezone: 'Europe/Berlin', after: '8:00', before: '18:00' } },
          { day_of_week: 'mon-fri' },
          { date: { after: '2026-01-01' } },
          { session_age: '8h' },
          { auth_age: { less_than: '1h' } },
          { http_path: { starts_with: '/admin' } },
          { source_ip: { not_in: ['10.0.0.0/8'] } },
          { email: { contains: 'x' } },
          { domain: 'contoso.com' },
          { user: { in: ['a', 'b'] } },
        ],
      },
      deny: { nor: [{ groups: { contains: 'x' } }, { http_method: { not_in: ['GET'] } }] },
    });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.error));
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), json),
        fc.dictionary(fc.string(), json),
        fc.oneof(fc.double(), fc.integer(), fc.constant(Number.NaN)),
        fc.option(fc.string(), { nil: undefined }),
        fc.option(fc.string(), { nil: undefined }),
        fc.option(fc.string(), { nil: undefined }),
        (doc, claims, now, ip, method, path) => {
          const user = prepareUserFacts({ id: 'u', userName: 'u', externalId: null, active: true, doc }, []);
          const facts: PolicyFacts = { user, session: { createdAt: 0, claims }, request: { ip, method, path, now } };
          expect(() => evaluatePolicy(compiled.value, facts, { explain: true })).not.toThrow();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('arbitrary policy values compile to a result (problems or a policy), never a throw', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (raw) => {
        expect(() => compilePolicy(raw)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
