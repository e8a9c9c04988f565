/** Allowed groups by id, externalId or displayName through effective membership (issue 4 §5). */
import { describe, expect, it } from 'vitest';
import { evaluatePolicy, parseAllowedGroupsParam, parseRoutePolicy, type RoutePolicy } from '../../../src/access/policy/index.js';

const admins = { id: 'g-1', displayName: 'Admins', externalId: 'ext-admins' };
const staff = { id: 'g-2', displayName: 'Staff', externalId: null };
const active = { id: 'u-1', active: true };

function policy(input: Parameters<typeof parseRoutePolicy>[0]): RoutePolicy {
  const parsed = parseRoutePolicy(input);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

describe('allowed groups', () => {
  it.each(['g-1', 'ext-admins', 'Admins', 'ADMINS', 'admins'])('matches the group by %j', (ref) => {
    expect(evaluatePolicy(policy({ route: { allowedGroups: [ref] } }), { user: active, groups: [admins] })).toEqual({
      allow: true,
      reasons: ['allowed-groups-matched'],
    });
  });

  it.each(['G-1', 'EXT-ADMINS', 'Admin', 'g-2'])('does not match %j (ids and externalIds are exact)', (ref) => {
    expect(evaluatePolicy(policy({ route: { allowedGroups: [ref] } }), { user: active, groups: [admins] })).toEqual({
      allow: false,
      reasons: ['groups-unauthorized'],
    });
  });

  it('any one listed group suffices', () => {
    expect(evaluatePolicy(policy({ route: { allowedGroups: ['Nope', 'Staff'] } }), { user: active, groups: [admins, staff] }).allow).toBe(true);
  });

  it('a route without a group restriction allows any active user', () => {
    expect(evaluatePolicy(policy({}), { user: active, groups: [] })).toEqual({ allow: true, reasons: ['no-policy'] });
  });

  it('an inactive user is denied, whatever the groups (deny wins)', () => {
    expect(evaluatePolicy(policy({ route: { allowedGroups: ['Admins'] } }), { user: { ...active, active: false }, groups: [admins] })).toEqual({
      allow: false,
      reasons: ['user-inactive'],
    });
    expect(evaluatePolicy(policy({}), { user: { ...active, active: false }, groups: [] }).allow).toBe(false);
  });
});

describe('oauth2-proxy allowed_groups query parameter', () => {
  it('alone restricts a route without groups', () => {
    const p = policy({ query: 'allowed_groups=Admins,Ops' });
    expect(evaluatePolicy(p, { user: active, groups: [admins] }).allow).toBe(true);
    expect(evaluatePolicy(p, { user: active, groups: [staff] }).allow).toBe(false);
  });

  it('with the route: both must pass (intersection), so a query never widens the route', () => {
    const p = policy({ route: { allowedGroups: ['Staff'] }, query: new URLSearchParams('allowed_groups=Admins') });
    expect(evaluatePolicy(p, { user: active, groups: [admins] }).allow).toBe(false);
    expect(evaluatePolicy(p, { user: active, groups: [staff] }).allow).toBe(false);
    expect(evaluatePolicy(p, { user: active, groups: [admins, staff] }).allow).toBe(true);
  });

  it('each occurrence is its own criterion', () => {
    const p = policy({ query: 'allowed_groups=Admins&allowed_groups=Staff' });
    expect(p.criteria.map((c) => c.source)).toEqual(['query', 'query']);
    expect(evaluatePolicy(p, { user: active, groups: [admins] }).allow).toBe(false);
  });

  it('trims entries and keeps other parameters out', () => {
    expect(parseAllowedGroupsParam(' Admins , g-2 ')).toEqual({ ok: true, value: ['Admins', 'g-2'] });
    expect(policy({ query: 'rd=/x&groups=Admins' }).criteria).toEqual([]);
  });

  it.each(['', ',', 'Admins,', 'a,,b', ' '])('refuses the malformed value %j instead of meaning "no restriction"', (value) => {
    const parsed = parseRoutePolicy({ query: new URLSearchParams([['allowed_groups', value]]) });
    expect(parsed).toMatchObject({ ok: false, error: { code: 'invalid_allowed_groups' } });
  });

  it('refuses oversized lists', () => {
    expect(parseAllowedGroupsParam(Array.from({ length: 257 }, (_, i) => `g${i}`).join(',')).ok).toBe(false);
    expect(parseAllowedGroupsParam('x'.repeat(257)).ok).toBe(false);
  });
});
