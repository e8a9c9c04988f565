/** Properties of the policy evaluator and the route matcher (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileRoutePolicy,
  evaluatePolicy,
  prepareUserFacts,
  queryRequirements,
  withRequirements,
  type CompiledPolicy,
  type GroupFact,
  type PolicyFacts,
} from '../../../src/access/policy/index.js';

const name = fc.constantFrom('Admins', 'admins', 'Staff', 'Ops', 'g-1', 'g-2', 'g-3', 'ext-1', 'ext-2', 'Finance');
const group = fc.record({
  id: fc.constantFrom('g-1', 'g-2', 'g-3', 'g-4'),
  displayName: fc.constantFrom('Admins', 'Staff', 'Ops', 'Finance', 'Sales'),
  externalId: fc.option(fc.constantFrom('ext-1', 'ext-2', 'ext-3'), { nil: null }),
});
const groups = fc.array(group, { maxLength: 6 });
const lists = fc.array(fc.array(name, { minLength: 1, maxLength: 4 }), { maxLength: 4 });
const user = fc.record({ id: fc.constant('u'), active: fc.boolean() });

function build(route: string[] | undefined, query: string[][]): CompiledPolicy {
  const params = new URLSearchParams(query.map((list): [string, string] => ['allowed_groups', list.join(',')]));
  const base = compileRoutePolicy(route ? { allowedGroups: route } : undefined);
  const extra = queryRequirements(params);
  if (!base.ok || !extra.ok) throw new Error('policy');
  return withRequirements(base.value, extra.value);
}

/** The facts of user `u` (active or not) in groups `gs`. */
function on(u: { id: string; active: boolean }, gs: readonly GroupFact[]): PolicyFacts {
  return { user: prepareUserFacts({ id: u.id, userName: u.id, externalId: null, active: u.active, doc: {} }, gs), request: { now: 0 } };
}

describe('policy evaluator properties', () => {
  it('deny wins: allowed only if active and every criterion alone would allow', () => {
    fc.assert(
      fc.property(fc.option(fc.array(name, { minLength: 1, maxLength: 4 }), { nil: undefined }), lists, user, groups, (route, query, u, gs) => {
        const whole = evaluatePolicy(build(route, query), on(u, gs));
        const parts = [...(route ? [build(route, [])] : []), ...query.map((list) => build(undefined, [list]))];
        const each = parts.every((p) => evaluatePolicy(p, on(u, gs)).allow);
        expect(whole.allow).toBe(u.active && each);
        expect(whole.reasons).toHaveLength(1);
      }),
    );
  });

  it('adding a group the user is in to an allowed list never turns allow into deny', () => {
    fc.assert(
      fc.property(lists.filter((l) => l.length > 0), user, groups.filter((g) => g.length > 0), fc.nat(), fc.nat(), (query, u, gs, which, pick) => {
        const before = evaluatePolicy(build(undefined, query), on(u, gs)).allow;
        const mine = gs[pick % gs.length]!;
        const widened = query.map((list, i) => (i === which % query.length ? [...list, mine.id] : list));
        const after = evaluatePolicy(build(undefined, widened), on(u, gs)).allow;
        if (before) expect(after).toBe(true);
      }),
    );
  });

  it('an extra query criterion never turns deny into allow (intersection)', () => {
    fc.assert(
      fc.property(lists, fc.array(name, { minLength: 1, maxLength: 4 }), user, groups, (query, extra, u, gs) => {
        const before = evaluatePolicy(build(undefined, query), on(u, gs)).allow;
        const after = evaluatePolicy(build(undefined, [...query, extra]), on(u, gs)).allow;
        if (!before) expect(after).toBe(false);
      }),
    );
  });

  it('more groups for the user never turns allow into deny', () => {
    fc.assert(
      fc.property(lists, user, groups, groups, (query, u, gs, more) => {
        const p = build(undefined, query);
        if (evaluatePolicy(p, on(u, gs)).allow) expect(evaluatePolicy(p, on(u, [...gs, ...more])).allow).toBe(true);
      }),
    );
  });
});
