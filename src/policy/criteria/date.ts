/**
 * `date`: the request's instant against ISO-8601 bounds, Pomerium's matcher:
 * `{ after: 2026-01-01, before: "2026-03-31T18:00:00", timezone: Europe/Berlin }`.
 * `after` is inclusive, `before` exclusive; at least one. A bound with an offset (`Z`,
 * `+02:00`) is that instant; one without is a wall time in `timezone` (default UTC), and a bare
 * date means that day's local midnight. YAML may hand a date over as a Date: it is read as UTC
 * unless a timezone is given. A request-time fact.
 */
import { isMapping } from '../string-matcher.js';
import type { CriterionContext, CriterionDef } from './criterion.js';
import { createLocalClock, isInstant, localToInstant } from './local-clock.js';

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;
const ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/** The instant a bound means, or undefined. */
export function parseDateBound(raw: unknown, zone: string): number | undefined {
  if (raw instanceof Date) {
    const ms = raw.getTime();
    if (Number.isNaN(ms)) return undefined;
    // The YAML reader read an offset-less timestamp as UTC; re-read it as a wall time in the zone.
    return zone === 'UTC' ? ms : localToInstant(zone, ms);
  }
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  if (ZONED.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : ms;
  }
  const m = LOCAL.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second, milli] = m.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, milli);
  const check = new Date(wall);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined;
  return zone === 'UTC' ? wall : localToInstant(zone, wall);
}

function readBound(value: Record<string, unknown>, key: 'after' | 'before', zone: string, ctx: CriterionContext): number | undefined | null {
  if (!(key in value)) return null;
  const ms = parseDateBound(value[key], zone);
  if (ms === undefined) ctx.report(`${ctx.at}.${key}`, 'must be an ISO-8601 date or date-time, e.g. 2026-12-24 or 2026-12-24T18:00:00+01:00');
  return ms;
}

export const date: CriterionDef = {
  subPath: 'none',
  compile(value, ctx) {
    if (!isMapping(value)) return void ctx.report(ctx.at, 'must be a mapping with after and/or before (and optionally timezone)');
    const unknown = Object.keys(value).filter((key) => key !== 'after' && key !== 'before' && key !== 'timezone');
    for (const key of unknown) ctx.report(`${ctx.at}.${key}`, `unknown matcher "${key}"; expected after, before, timezone`);
    const zone = value.timezone === undefined ? 'UTC' : value.timezone;
    if (typeof zone !== 'string' || !createLocalClock(zone)) return void ctx.report(`${ctx.at}.timezone`, `${JSON.stringify(zone)} is not an IANA time zone`);
    if (!('after' in value) && !('before' in value)) return void ctx.report(ctx.at, 'needs after, before, or both');
    const after = readBound(value, 'after', zone, ctx);
    const before = readBound(value, 'before', zone, ctx);
    if (after === undefined || before === undefined || unknown.length > 0) return undefined;
    const parts = [after !== null ? `after ${new Date(after).toISOString()}` : '', before !== null ? `before ${new Date(before).toISOString()}` : ''].filter(Boolean);
    return {
      name: 'date',
      label: `date ${parts.join(' and ')}`,
      reads: ['time'],
      test: (facts) => {
        const now = facts.request.now;
        if (!isInstant(now)) return false;
        return (after === null || now >= after) && (before === null || now < before);
      },
      fact: (facts) => (isInstant(facts.request.now) ? `now ${new Date(facts.request.now).toISOString()}` : 'time unknown'),
    };
  },
};
