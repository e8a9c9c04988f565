/**
 * `source_ip`: the client's address — from a trusted proxy's X-Real-IP / X-Forwarded-For, else
 * the TCP peer (src/access/forwarded.ts decides; a client cannot choose it). Values are CIDRs or
 * single addresses, IPv4 or IPv6; an IPv4-mapped IPv6 address matches its IPv4 ranges.
 * Matchers: `in` (some range holds the address), `not_in` (none does), `is` (one address or
 * range); a string means `is`, a list means `in`. An unknown address is a missing fact: false.
 */
import { isIP } from 'node:net';
import { parseCidrList, type CidrList } from '../../shared/cidr-list.js';
import { isMapping } from '../string-matcher.js';
import { quote, type CriterionContext, type CriterionDef } from './criterion.js';

function ranges(raw: unknown, at: string, ctx: CriterionContext): CidrList | undefined {
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list) || list.length === 0 || !list.every((item): item is string => typeof item === 'string')) {
    return void ctx.report(at, 'must be a CIDR ("10.0.0.0/8"), an address, or a non-empty list of them');
  }
  const parsed = parseCidrList(list);
  if (!parsed.ok) return void ctx.report(at, parsed.error.join('; '));
  return parsed.value;
}

export const sourceIp: CriterionDef = {
  subPath: 'none',
  compile(value, ctx) {
    let negate = false;
    let raw = value;
    let matcher = typeof value === 'string' ? 'is' : 'in';
    if (isMapping(value)) {
      const keys = Object.keys(value);
      const key = keys[0];
      if (keys.length !== 1 || (key !== 'in' && key !== 'not_in' && key !== 'is')) {
        return void ctx.report(ctx.at, 'must have exactly one matcher: in, not_in or is');
      }
      matcher = key;
      negate = key === 'not_in';
      raw = value[key];
      if (key === 'is' && typeof raw !== 'string') return void ctx.report(`${ctx.at}.is`, 'must be an address or CIDR');
    }
    const list = ranges(raw, isMapping(value) ? `${ctx.at}.${matcher}` : ctx.at, ctx);
    if (!list) return undefined;
    return {
      name: 'source_ip',
      label: `source_ip ${matcher} ${JSON.stringify(list.entries)}`,
      reads: ['source_ip'],
      test: (facts) => {
        const ip = facts.request.ip;
        if (!ip) return false;
        // An address that is no address is a missing fact, for not_in too.
        if (negate && isIP(ip.replace(/%.*$/, '')) === 0) return false;
        return list.contains(ip) !== negate;
      },
      fact: (facts) => `client address ${quote(facts.request.ip)}`,
    };
  },
};
