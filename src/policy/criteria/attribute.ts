/**
 * `attribute/<SCIM path>`: any attribute of the user's stored SCIM document — core
 * (`attribute/title`, `attribute/userType`, `attribute/active`), sub-attributes
 * (`attribute/name.familyName`, `attribute/emails.value`), the enterprise extension
 * (`attribute/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`,
 * `…:User:manager.value`) and any other extension schema the directory stored.
 * Matchers: is / has (eq), in (eq any), not_in (present, and eq none), starts_with (sw),
 * ends_with (ew), contains (co); a scalar means `is`, a list `in`; booleans and numbers compare
 * as such (`attribute/active: true`). Compiled to a SCIM filter, so the rules are the filter's
 * (user-document.ts): case-insensitive unless the schema marks the attribute caseExact. An absent
 * attribute is a missing fact: false for every matcher, `not_in` included.
 */
import type { CompValue, Filter } from '../../scim/protocol/filter/index.js';
import { parseAttrPath } from '../../scim/protocol/filter/index.js';
import { MAX_MATCHER_LIST, STRING_MATCHERS, isMapping } from '../string-matcher.js';
import type { CriterionContext, CriterionDef } from './criterion.js';
import { documentTest, readPath } from './user-document.js';

type AttrPath = Extract<Filter, { kind: 'present' }>['path'];

const isCompValue = (value: unknown): value is string | number | boolean =>
  (typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean';

/** `a or b or …` as a balanced tree, so a long `in` list does not nest thousands deep. */
function anyOf(filters: readonly Filter[]): Filter {
  if (filters.length === 1) return filters[0] as Filter;
  const mid = Math.ceil(filters.length / 2);
  return { kind: 'or', left: anyOf(filters.slice(0, mid)), right: anyOf(filters.slice(mid)) };
}

function matcherFilter(path: AttrPath, key: string, raw: unknown, at: string, ctx: CriterionContext): Filter | undefined {
  const compare = (op: 'eq' | 'sw' | 'ew' | 'co', value: CompValue): Filter => ({ kind: 'compare', op, path, value });
  switch (key) {
    case 'is':
    case 'has':
      return isCompValue(raw) ? compare('eq', raw) : void ctx.report(at, 'must be a non-empty string, a number or a boolean');
    case 'starts_with':
    case 'ends_with':
    case 'contains':
      return typeof raw === 'string' && raw !== ''
        ? compare(key === 'starts_with' ? 'sw' : key === 'ends_with' ? 'ew' : 'co', raw)
        : void ctx.report(at, 'must be a non-empty string');
    case 'in':
    case 'not_in': {
      if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_MATCHER_LIST) return void ctx.report(at, `must be a list of 1–${MAX_MATCHER_LIST} values`);
      if (!raw.every(isCompValue)) return void ctx.report(at, 'must list non-empty strings, numbers or booleans');
      const any = anyOf(raw.map((value) => compare('eq', value)));
      return key === 'in' ? any : { kind: 'and', left: { kind: 'present', path }, right: { kind: 'not', filter: any } };
    }
    default:
      return void ctx.report(at, `unknown matcher "${key}"; expected one of ${STRING_MATCHERS.join(', ')}`);
  }
}

export const attribute: CriterionDef = {
  subPath: 'required',
  compile(value, ctx) {
    const text = ctx.sub ?? '';
    const parsed = parseAttrPath(text);
    if (!parsed.ok) return void ctx.report(ctx.at, `attribute/${text}: not a SCIM attribute path (${parsed.error.message})`);
    const path = parsed.value;
    const entries: [string, unknown, string][] = isMapping(value)
      ? Object.entries(value).map(([key, raw]) => [key, raw, `${ctx.at}.${key}`])
      : [[Array.isArray(value) ? 'in' : 'is', value, ctx.at]];
    if (entries.length === 0) return void ctx.report(ctx.at, `must name a matcher (${STRING_MATCHERS.join(', ')})`);
    const filters = entries.map(([key, raw, at]) => matcherFilter(path, key, raw, at, ctx));
    if (filters.some((filter) => filter === undefined)) return undefined;
    const filter = (filters as Filter[]).reduce((left, right) => ({ kind: 'and', left, right }));
    const label = `attribute/${text} ${entries.map(([key, raw]) => `${key} ${JSON.stringify(raw)}`).join(' and ')}`;
    return {
      name: `attribute/${text}`,
      label: label.length > 300 ? `${label.slice(0, 300)}…` : label,
      reads: [],
      test: documentTest(filter, ctx.slot()),
      fact: (facts) => {
        if (!facts.user) return 'not signed in';
        const found = readPath(facts.user.doc, path);
        return found === undefined ? `${text} absent` : `${text} = ${JSON.stringify(found)}`;
      },
    };
  },
};
