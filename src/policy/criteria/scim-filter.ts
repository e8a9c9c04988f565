/**
 * `scim_filter`: a whole RFC 7644 §3.4.2.2 filter evaluated on the user's stored document —
 * `userType eq "Employee" and emails[type eq "work" and value ew "@contoso.com"]`. Parsed once
 * at load by the SCIM filter parser (a syntax error is a config error naming the position);
 * evaluated by the same evaluator SCIM PATCH uses, with its case rules (user-document.ts).
 * Attributes the user lacks make comparisons false (`pr` and `eq null` test for them).
 */
import { parseFilter } from '../../scim/protocol/filter/index.js';
import type { CriterionDef } from './criterion.js';
import { documentTest } from './user-document.js';

export const scimFilter: CriterionDef = {
  subPath: 'none',
  compile(value, ctx) {
    if (typeof value !== 'string') return void ctx.report(ctx.at, 'must be a SCIM filter string, e.g. userType eq "Employee"');
    const parsed = parseFilter(value);
    if (!parsed.ok) return void ctx.report(ctx.at, `invalid SCIM filter: ${parsed.error.message}`);
    const text = value.length > 200 ? `${value.slice(0, 200)}…` : value;
    return {
      name: 'scim_filter',
      label: `scim_filter ${JSON.stringify(text)}`,
      reads: [],
      test: documentTest(parsed.value, ctx.slot()),
      fact: (facts) => (facts.user ? `the user's SCIM document (userName ${JSON.stringify(facts.user.userName)})` : 'not signed in'),
    };
  },
};
