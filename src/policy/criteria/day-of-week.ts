/**
 * `day_of_week`: the request's local weekday. Pomerium's string form — `mon-fri`,
 * `mon,wed,fri`, `*`, English names or three-letter abbreviations, any case; ranges may wrap
 * (`fri-mon`) — in UTC, or a mapping `{ is: "mon-fri", timezone: Europe/Berlin }` (also
 * `in: [sat, sun]`). A request-time fact.
 */
import { isMapping } from '../string-matcher.js';
import type { CriterionContext, CriterionDef } from './criterion.js';
import { createLocalClock, isInstant } from './local-clock.js';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const FULL = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

function dayIndex(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  const short = DAYS.indexOf(t as (typeof DAYS)[number]);
  if (short !== -1) return short;
  const full = FULL.indexOf(t);
  return full === -1 ? undefined : full;
}

/** A set of weekdays (0 = Sunday) from Pomerium's day string, or undefined. */
export function parseDays(spec: string): Set<number> | undefined {
  const days = new Set<number>();
  if (spec.trim() === '*') return new Set([0, 1, 2, 3, 4, 5, 6]);
  for (const item of spec.split(',')) {
    const [from, to, extra] = item.split('-');
    if (from === undefined || extra !== undefined) return undefined;
    const start = dayIndex(from);
    if (start === undefined) return undefined;
    if (to === undefined) {
      days.add(start);
      continue;
    }
    const end = dayIndex(to);
    if (end === undefined) return undefined;
    for (let day = start; ; day = (day + 1) % 7) {
      days.add(day);
      if (day === end) break;
    }
  }
  return days;
}

function readDays(raw: unknown, at: string, ctx: CriterionContext): Set<number> | undefined {
  const spec = Array.isArray(raw) && raw.every((d) => typeof d === 'string') ? raw.join(',') : raw;
  const days = typeof spec === 'string' ? parseDays(spec) : undefined;
  if (!days) ctx.report(at, 'must be days such as "mon-fri", "mon,wed,fri", "*" or a list of day names');
  return days;
}

export const dayOfWeek: CriterionDef = {
  subPath: 'none',
  compile(value, ctx) {
    let zone = 'UTC';
    let days: Set<number> | undefined;
    if (isMapping(value)) {
      const keys = Object.keys(value);
      const unknown = keys.filter((key) => key !== 'is' && key !== 'in' && key !== 'timezone');
      for (const key of unknown) ctx.report(`${ctx.at}.${key}`, `unknown matcher "${key}"; expected is, in, timezone`);
      const matchers = keys.filter((key) => key === 'is' || key === 'in');
      if (matchers.length !== 1) return void ctx.report(ctx.at, 'needs exactly one of is, in');
      if (value.timezone !== undefined) {
        if (typeof value.timezone !== 'string') return void ctx.report(`${ctx.at}.timezone`, 'must be an IANA time zone');
        zone = value.timezone;
      }
      const key = matchers[0] as string;
      days = readDays(value[key], `${ctx.at}.${key}`, ctx);
      if (unknown.length > 0) return undefined;
    } else {
      days = readDays(value, ctx.at, ctx);
    }
    const clock = createLocalClock(zone);
    if (!clock) return void ctx.report(`${ctx.at}.timezone`, `${JSON.stringify(zone)} is not an IANA time zone`);
    if (!days) return undefined;
    const set = days;
    return {
      name: 'day_of_week',
      label: `day_of_week in ${[...set].sort().map((d) => DAYS[d]).join(',')} ${zone}`,
      reads: ['time'],
      test: (facts) => isInstant(facts.request.now) && set.has(clock(facts.request.now).weekday),
      fact: (facts) => (isInstant(facts.request.now) ? `local day ${DAYS[clock(facts.request.now).weekday] ?? '?'} ${zone}` : 'time unknown'),
    };
  },
};
