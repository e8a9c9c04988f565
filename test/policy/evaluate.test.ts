/** The policy language's rules: deny wins, operators as in Pomerium's PPL, fail-closed facts. */
import { describe, expect, it } from 'vitest';
import { compileRoutePolicy, evaluatePartial, evaluatePolicy, explainWhy, NOTHING_UNKNOWN, queryRequirements, unknownFacts, withRequirements } from '../../src/policy/index.js';
import { alice, contractors, engineering, facts, platform, policy, problems } from './support.js';

const member = (group: string) => ({ groups: { has: group } });

describe('allow and deny (PPL actions)', () => {
  it('allows when an allow rule matches and no deny rule does', () => {
    expect(evaluatePolicy(policy({ allow: { or: [member('Engineering')] } }), facts())).toMatchObject({ allow: true, reasons: ['allow-matched'] });
  });

  it('denies when no allow rule matches', () => {
    expect(evaluatePolicy(policy({ allow: { or: [member('Finance')] } }), facts())).toMatchObject({ allow: false, reasons: ['allow-unmatched'] });
  });

  it('deny wins over a matching allow (nested group deny)', () => {
    const p = policy({ allow: { or: [member('Engineering')] }, deny: { or: [member('Platform Team')] } });
    expect(evaluatePolicy(p, facts())).toMatchObject({ allow: false, reasons: ['deny-matched'] });
    expect(evaluatePolicy(p, facts({ user: alice({ groups: [engineering] }) })).allow).toBe(true);
  });

  it('a list of rules: any allow, no deny', () => {
    const p = policy([{ allow: { or: [member('Finance')] } }, { allow: { or: [member('Engineering')] } }, { deny: { or: [member('Contractors')] } }]);
    expect(evaluatePolicy(p, facts()).allow).toBe(true);
    expect(evaluatePolicy(p, facts({ user: alice({ groups: [engineering, contractors] }) })).allow).toBe(false);
  });

  it('a deactivated user is denied before anything else', () => {
    expect(evaluatePolicy(policy({ allow: { or: [{ accept: true }] } }), facts({ user: alice({ active: false }) }))).toMatchObject({ allow: false, reasons: ['user-inactive'] });
  });

  it('without a user only a policy with public is evaluated', () => {
    expect(evaluatePolicy(policy({ allow: { or: [{ accept: true }] } }), facts({ user: undefined }))).toMatchObject({ allow: false, reasons: ['user-unauthenticated'] });
    expect(evaluatePolicy(policy({ allow: { or: [{ public: true }] } }), facts({ user: undefined }))).toMatchObject({ allow: true, reasons: ['public-access'] });
    // `public` under a deny does not open the route.
    expect(evaluatePolicy(policy({ allow: { or: [{ accept: true }] }, deny: { or: [{ public: true }] } }), facts({ user: undefined })).reasons).toEqual(['user-unauthenticated']);
  });
});

describe('logical operators (PPL: not = none holds, nor = not all hold)', () => {
  const a = member('Engineering'); // true for alice
  const b = member('Finance'); // false
  it.each([
    ['and', [a, a], true],
    ['and', [a, b], false],
    ['or', [b, a], true],
    ['or', [b, b], false],
    ['not', [b, b], true],
    ['not', [a, b], false],
    ['nor', [a, b], true],
    ['nor', [a, a], false],
  ] as const)('%s %j', (op, list, want) => {
    expect(evaluatePolicy(policy({ allow: { [op]: list } }), facts()).allow).toBe(want);
  });

  it('nests to any depth', () => {
    const p = policy({ allow: { and: [{ or: [b, { and: [a, { not: [b] }] }] }, { nor: [b] }] } });
    expect(evaluatePolicy(p, facts()).allow).toBe(true);
  });

  it('several operators in one block are alternatives (Pomerium rule bodies)', () => {
    expect(evaluatePolicy(policy({ allow: { and: [b], or: [a] } }), facts()).allow).toBe(true);
  });
});

describe('compile errors name the key', () => {
  it.each([
    [{ allow: { and: [{ emial: { is: 'x' } }] } }, 'allow.and.0.emial', /unknown criterion "emial"/],
    [{ allow: { and: [{ email: { equals: 'x' } }] } }, 'allow.and.0.email.equals', /unknown matcher "equals"/],
    [{ allow: { xor: [] } }, 'allow.xor', /unknown operator "xor"/],
    [{ allow: { and: [] } }, 'allow.and', /at least one/],
    [{ permit: {} }, 'permit', /unknown key/],
    [{ allow: { and: [{ claim: 'x' }] } }, 'allow.and.0.claim', /needs a name/],
    [{ allow: { and: [{ 'email/x': 'y' }] } }, 'allow.and.0.email/x', /takes no/],
    [{ allow: { and: [{ email: 'a', domain: 'b' }] } }, 'allow.and.0', /one criterion per list item/],
    [{ allow: { and: [{ scim_filter: 'userType eq' }] } }, 'allow.and.0.scim_filter', /invalid SCIM filter/],
    [{ allow: { and: [{ source_ip: '10.0.0.0/33' }] } }, 'allow.and.0.source_ip', /prefix length/],
    [{ allow: { and: [{ time_of_day: { after: '8:00', timezone: 'Mars/Olympus' } }] } }, 'allow.and.0.time_of_day.timezone', /not an IANA time zone/],
    [{ allow: { and: [{ authenticated_user: false }] } }, 'allow.and.0.authenticated_user', /must be true/],
    [{ allow: { and: [{ 'attribute/a.b.c': 'x' }] } }, 'allow.and.0.attribute/a.b.c', /not a SCIM attribute path/],
  ])('%j → %s', (raw, path, message) => {
    const found = problems(raw);
    expect(found.map((p) => p.path)).toContain(path);
    expect(found.find((p) => p.path === path)?.message).toMatch(message);
  });

  it('reports every problem, not the first', () => {
    expect(problems({ allow: { and: [{ nope: 1 }, { email: { bad: 1 } }] }, deny: { huh: [] } })).toHaveLength(3);
  });

  it('a route policy without any allow rule is refused (it would deny everyone)', () => {
    const compiled = compileRoutePolicy({ policy: { deny: { or: [member('Contractors')] } } });
    expect(compiled).toMatchObject({ ok: false, error: [{ path: 'policy' }] });
  });
});

describe('route sugar and oauth2-proxy parameters narrow', () => {
  it('allowedGroups beside a policy: both must hold', () => {
    const compiled = compileRoutePolicy({ policy: { allow: { or: [{ 'attribute/title': 'Engineer' }] } }, allowedGroups: ['Finance'] });
    if (!compiled.ok) throw new Error('compile');
    expect(evaluatePolicy(compiled.value, facts())).toMatchObject({ allow: false, reasons: ['groups-unauthorized'] });
  });

  it('no policy: any signed-in user (no-policy)', () => {
    const compiled = compileRoutePolicy({});
    if (!compiled.ok) throw new Error('compile');
    expect(evaluatePolicy(compiled.value, facts())).toMatchObject({ allow: true, reasons: ['no-policy'] });
    expect(evaluatePolicy(compiled.value, facts({ user: undefined })).allow).toBe(false);
  });

  it.each([
    ['allowed_groups=Platform%20Team', true, undefined],
    ['allowed_groups=Finance', false, 'groups-unauthorized'],
    ['allowed_emails=alice@contoso.com', true, undefined],
    ['allowed_emails=alice@home.example', false, 'email-unauthorized'], // the primary e-mail only
    ['allowed_email_domains=contoso.com', true, undefined],
    ['allowed_email_domains=*.contoso.com', false, 'domain-unauthorized'],
    ['allowed_email_domains=other.com&allowed_groups=Engineering', false, 'domain-unauthorized'],
  ])('%s', (query, allow, reason) => {
    const base = compileRoutePolicy({});
    const extra = queryRequirements(new URLSearchParams(query));
    if (!base.ok || !extra.ok) throw new Error('compile');
    const verdict = evaluatePolicy(withRequirements(base.value, extra.value), facts());
    expect(verdict.allow).toBe(allow);
    if (reason) expect(verdict.reasons).toEqual([reason]);
  });

  it.each(['allowed_groups=', 'allowed_emails=a,,b', 'allowed_email_domains=%20'])('refuses the malformed %s', (query) => {
    expect(queryRequirements(new URLSearchParams(query))).toMatchObject({ ok: false, error: { code: 'invalid_policy_param' } });
  });
});

describe('explain (deny-why / allow-why)', () => {
  it('names the rule, criterion and fact that decided', () => {
    const p = policy({ allow: { or: [member('Engineering')] }, deny: { or: [member('Platform Team'), { 'attribute/title': 'Intern' }] } });
    const verdict = evaluatePolicy(p, facts(), { explain: true });
    expect(verdict.explain?.value).toBe(false);
    const why = explainWhy(verdict.explain!);
    expect(why).toHaveLength(1);
    expect(why[0]).toMatch(/^deny\.or\.0\.groups groups has "Platform Team" = true \(member of .*"Platform Team"/);
  });

  it('evaluates every criterion, even those a short-circuit would skip', () => {
    const p = policy({ allow: { or: [member('Engineering'), { 'attribute/title': 'Intern' }] } });
    const tree = evaluatePolicy(p, facts(), { explain: true }).explain!;
    const leaves = JSON.stringify(tree);
    expect(leaves).toContain('title = \\"Engineer\\"');
  });
});

describe('conditional (three-valued, with unknown facts) and re-authentication', () => {
  it('an outcome that hangs on an unknown fact is conditional; one the known facts settle is not', () => {
    const p = policy({ allow: { and: [{ source_ip: '10.0.0.0/8' }, member('Engineering')] } });
    const unknown = unknownFacts({ method: true, path: true, time: true });
    expect(evaluatePartial(p, facts(), { unknown })).toMatchObject({ decision: 'conditional', dependsOn: ['source_ip'] });
    // Not in the group: denied whatever the address.
    expect(evaluatePartial(p, facts({ user: alice({ groups: [platform] }) }), { unknown })).toMatchObject({ decision: 'deny', reasons: ['allow-unmatched'], dependsOn: [] });
    // Known address: the two-valued answer.
    expect(evaluatePartial(p, facts(), { unknown: NOTHING_UNKNOWN })).toMatchObject({ decision: 'allow', reasons: ['allow-matched'] });
  });

  it('a deny a fresh sign-in would lift asks for one', () => {
    const p = policy({ allow: { and: [{ session_age: '1h' }] } });
    expect(evaluatePolicy(p, facts())).toMatchObject({ allow: false, reauthenticate: true, reasons: ['reauthentication-required'] });
    // …but never for a session that is itself brand new (no redirect loop).
    const fresh = facts({ request: { now: Date.parse('2026-12-02T08:00:30Z') } });
    expect(evaluatePolicy(policy({ allow: { and: [{ session_age: '10s' }] } }), fresh)).toMatchObject({ allow: false, reauthenticate: false });
  });
});
