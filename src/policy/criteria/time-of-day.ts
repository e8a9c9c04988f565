/**
 * `time_of_day`: the request's local time in an IANA zone, Pomerium's matcher:
 * `{ timezone: Europe/Berlin, after: "8:00", before: "18:30" }`. `timezone` is required (a
 * server's zone is nobody's business hours); at least one of `after` (inclusive) and `before`
 * (exclusive). When `after` is later than `before` the window runs over midnight
 * (`after: 22:00, before: 6:00`). Times: `H:MM`, `H:MM:SS`, optionally with AM/PM (`4:30PM`).
 * A request-time fact.
 */
import { isMapping } from '../string-matcher.js';
import type { CriterionContext, CriterionDef } from './criterion.js';
import { createLocalClock, isInstant } from './local-clock.js';

const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$/;

/** Seconds since midnight, or undefined. */
export function parseTimeOfDay(text: string): number | undefined {
  const match = TIME.exec(text.trim());
  if (!match) return undefined;
  let hour = Number(match[1]);
  const minute = Number(match[2]);
  const second = Number(match[3] ?? 0);
  const half = match[4]?.toLowerCase();
  if (half !== undefined) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (half === 'pm' ? 12 : 0);
  }
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return hour * 3600 + minute * 60 + second;
}

function readTime(raw: unknown, at: string, ctx: CriterionContext): number | undefined {
  // YAML 1.1 readers turn 8:00 into a number of minutes (480); our YAML 1.2 reader keeps a string.
  if (typeof raw !== 'string') return void ctx.report(at, 'must be a time such as "8:00", "17:30:00" or "4:30PM" (quote it)');
  const seconds = parseTimeOfDay(raw);
  if (seconds === undefined) return void ctx.report(at, `${JSON.stringify(raw)} is not a time such as "8:00", "17:30:00" or "4:30PM"`);
  return seconds;
}

const format = (seconds: number): string =>
  `${String(Math.floor(seconds / 3600)).padStart(2, '0')}:${String(Math.floor(seconds / 60) % 60).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;

export const timeOfDay: CriterionDef = {
  subPath: 'none',
  compile(value, ctx) {
    if (!isMapping(value)) return void ctx.report(ctx.at, 'must be a mapping with timezone and after and/or before');
    let bad = false;
    for (const key of Object.keys(value)) {
      if (key !== 'timezone' && key !== 'after' && key !== 'before') {
        ctx.report(`${ctx.at}.${key}`, `unknown matcher "${key}"; expected timezone, after, before`);
        bad = true;
      }
    }
    const zone = value.timezone;
    const clock = typeof zone === 'string' ? createLocalClock(zone) : undefined;
    if (typeof zone !== 'string') {
      ctx.report(`${ctx.at}.timezone`, 'required: an IANA time zone such as Europe/Berlin or UTC');
      bad = true;
    } else if (!clock) {
      ctx.report(`${ctx.at}.timezone`, `${JSON.stringify(zone)} is not an IANA time zone`);
      bad = true;
    }
    const after = 'after' in value ? readTime(value.after, `${ctx.at}.after`, ctx) : undefined;
    const before = 'before' in value ? readTime(value.before, `${ctx.at}.before`, ctx) : undefined;
    if (('after' in value && after === undefined) || ('before' in value && before === undefined)) bad = true;
    if (!('after' in value) && !('before' in value)) {
      ctx.report(ctx.at, 'needs after, before, or both');
      bad = true;
    }
    if (bad || !clock) return undefined;
    const inWindow = (t: number): boolean => {
      if (after !== undefined && before !== undefined) return after <= before ? t >= after && t < before : t >= after || t < before;
      if (after !== undefined) return t >= after;
      return before !== undefined && t < before;
    };
    const parts = [after !== undefined ? `after ${format(after)}` : '', before !== undefined ? `before ${format(before)}` : ''].filter(Boolean);
    return {
      name: 'time_of_day',
      label: `time_of_day ${parts.join(' and ')} ${String(zone)}`,
      reads: ['time'],
      test: (facts) => isInstant(facts.request.now) && inWindow(clock(facts.request.now).secondOfDay),
      fact: (facts) => (isInstant(facts.request.now) ? `local time ${format(clock(facts.request.now).secondOfDay)} ${String(zone)}` : 'time unknown'),
    };
  },
};
