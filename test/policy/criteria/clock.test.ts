/**
 * `time_of_day`, `day_of_week` and `date` through the compiled policy, as tables: IANA zones east
 * and west of UTC and off the hour, the instants either side of every bound (after inclusive,
 * before exclusive), windows that wrap midnight, and the days Europe/Berlin moves its clocks
 * (2026-03-29 02:00 CET → 03:00 CEST, 2026-10-25 03:00 CEST → 02:00 CET).
 */
import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../../src/policy/index.js';
import { allowIf, facts } from '../support.js';

const at = (iso: string) => facts({ request: { now: Date.parse(iso) } });
const holds = (criterion: Record<string, unknown>, iso: string): boolean => evaluatePolicy(allowIf(criterion), at(iso)).allow;

describe('time_of_day', () => {
  const office = { time_of_day: { timezone: 'Europe/Berlin', after: '08:00', before: '18:00' } };
  const night = { time_of_day: { timezone: 'UTC', after: '22:00', before: '6:00' } };
  const nyNight = { time_of_day: { timezone: 'America/New_York', after: '22:00', before: '06:00' } };
  const india = { time_of_day: { timezone: 'Asia/Kolkata', after: '9:00', before: '17:30' } };
  const springGap = { time_of_day: { timezone: 'Europe/Berlin', after: '02:00', before: '03:00' } };
  const autumnTwice = { time_of_day: { timezone: 'Europe/Berlin', after: '02:15', before: '02:45' } };
  it.each([
    ['office, 07:59:59 CET', office, '2026-12-02T06:59:59Z', false],
    ['office, 08:00 CET (after is inclusive)', office, '2026-12-02T07:00:00Z', true],
    ['office, 17:59:59 CET', office, '2026-12-02T16:59:59Z', true],
    ['office, 18:00 CET (before is exclusive)', office, '2026-12-02T17:00:00Z', false],
    ['office, 08:00 CEST in summer', office, '2026-07-01T06:00:00Z', true],
    ['office, 07:59:59 CEST in summer (08:59:59 UTC+1 would be in)', office, '2026-07-01T05:59:59Z', false],
    ['night wraps midnight: 22:00', night, '2026-12-02T22:00:00Z', true],
    ['night wraps midnight: 00:00', night, '2026-12-03T00:00:00Z', true],
    ['night wraps midnight: 05:59:59', night, '2026-12-03T05:59:59Z', true],
    ['night wraps midnight: 06:00', night, '2026-12-03T06:00:00Z', false],
    ['night wraps midnight: 21:59:59', night, '2026-12-02T21:59:59Z', false],
    ['New York night: 22:30 EST is 03:30 UTC the next day', nyNight, '2026-12-03T03:30:00Z', true],
    ['New York night: 06:00 EST', nyNight, '2026-12-02T11:00:00Z', false],
    ['New York night: 21:59 EDT in summer', nyNight, '2026-07-02T01:59:00Z', false],
    ['Kolkata (UTC+05:30): 09:00 IST', india, '2026-12-02T03:30:00Z', true],
    ['Kolkata: 08:59:59 IST', india, '2026-12-02T03:29:59Z', false],
    ['Kolkata: 17:30 IST', india, '2026-12-02T12:00:00Z', false],
    ['spring gap: 01:59:59 CET, just before the skipped hour', springGap, '2026-03-29T00:59:59Z', false],
    ['spring gap: 03:00 CEST, just after it (02:xx never happens)', springGap, '2026-03-29T01:00:00Z', false],
    ['autumn: 02:30 CEST, the first time', autumnTwice, '2026-10-25T00:30:00Z', true],
    ['autumn: 02:30 CET, the second time', autumnTwice, '2026-10-25T01:30:00Z', true],
    ['autumn: 02:00 CET, between the two', autumnTwice, '2026-10-25T01:00:00Z', false],
    ['only after: 4:30PM UTC', { time_of_day: { timezone: 'UTC', after: '4:30PM' } }, '2026-12-02T16:30:00Z', true],
    ['only after: 4:29:59 PM UTC', { time_of_day: { timezone: 'UTC', after: '4:30PM' } }, '2026-12-02T16:29:59Z', false],
    ['only before: 12:00:00 UTC', { time_of_day: { timezone: 'UTC', before: '12:00:00' } }, '2026-12-02T12:00:00Z', false],
    ['only before: 11:59:59 UTC', { time_of_day: { timezone: 'UTC', before: '12:00:00' } }, '2026-12-02T11:59:59Z', true],
  ])('%s', (_name, criterion, iso, want) => {
    expect(holds(criterion, iso)).toBe(want);
  });

  it('an instant that is no time is a missing fact: false', () => {
    expect(evaluatePolicy(allowIf(office), facts({ request: { now: Number.NaN } })).allow).toBe(false);
  });
});

describe('day_of_week', () => {
  // 2026-12-02 is a Wednesday; 2026-12-04 a Friday.
  it.each([
    ['mon-fri on a Wednesday (UTC)', { day_of_week: 'mon-fri' }, '2026-12-02T12:00:00Z', true],
    ['mon-fri on a Saturday', { day_of_week: 'mon-fri' }, '2026-12-05T12:00:00Z', false],
    ['a range that wraps the week: fri-mon on a Sunday', { day_of_week: 'fri-mon' }, '2026-12-06T12:00:00Z', true],
    ['fri-mon on a Wednesday', { day_of_week: 'fri-mon' }, '2026-12-02T12:00:00Z', false],
    ['a list and full names, any case', { day_of_week: 'MON,Wednesday' }, '2026-12-02T12:00:00Z', true],
    ['*', { day_of_week: '*' }, '2026-12-05T12:00:00Z', true],
    ['in: [sat, sun] on a Saturday', { day_of_week: { in: ['sat', 'sun'] } }, '2026-12-05T00:00:00Z', true],
    ['Friday 12:00 UTC is Saturday 01:00 in Auckland (UTC+13)', { day_of_week: { is: 'sat', timezone: 'Pacific/Auckland' } }, '2026-12-04T12:00:00Z', true],
    ['…and still Friday in UTC', { day_of_week: { is: 'sat', timezone: 'UTC' } }, '2026-12-04T12:00:00Z', false],
    ['Thursday 23:00 in Los Angeles is Friday 07:00 UTC', { day_of_week: { is: 'thu', timezone: 'America/Los_Angeles' } }, '2026-12-04T07:00:00Z', true],
    ['Berlin, Saturday 23:59:59 CET before the spring change', { day_of_week: { is: 'sat', timezone: 'Europe/Berlin' } }, '2026-03-28T22:59:59Z', true],
    ['Berlin, Sunday 00:00 CET', { day_of_week: { is: 'sun', timezone: 'Europe/Berlin' } }, '2026-03-28T23:00:00Z', true],
    ['Berlin, Sunday 23:59:59 CEST (the offset moved during the day)', { day_of_week: { is: 'sun', timezone: 'Europe/Berlin' } }, '2026-03-29T21:59:59Z', true],
    ['Berlin, Monday 00:00 CEST is Sunday 22:00 UTC', { day_of_week: { is: 'mon', timezone: 'Europe/Berlin' } }, '2026-03-29T22:00:00Z', true],
  ])('%s', (_name, criterion, iso, want) => {
    expect(holds(criterion, iso)).toBe(want);
  });
});

describe('date', () => {
  const quarter = { date: { after: '2026-01-01', before: '2026-03-31T18:00:00', timezone: 'Europe/Berlin' } };
  it.each([
    ['a bare date is local midnight: 2026-01-01 00:00 CET', quarter, '2025-12-31T23:00:00Z', true],
    ['one second before it', quarter, '2025-12-31T22:59:59Z', false],
    ['a local bound after the spring change reads CEST: 17:59:59 CEST', quarter, '2026-03-31T15:59:59Z', true],
    ['18:00 CEST (before is exclusive)', quarter, '2026-03-31T16:00:00Z', false],
    ['UTC by default', { date: { before: '2026-01-01' } }, '2025-12-31T23:59:59Z', true],
    ['UTC by default, at the bound', { date: { before: '2026-01-01' } }, '2026-01-01T00:00:00Z', false],
    ['a bound with an offset is that instant, whatever the zone', { date: { after: '2026-06-01T00:00:00+02:00', timezone: 'America/New_York' } }, '2026-05-31T22:00:00Z', true],
    ['…one second before it', { date: { after: '2026-06-01T00:00:00+02:00', timezone: 'America/New_York' } }, '2026-05-31T21:59:59Z', false],
    ['New York: after 2026-03-08 (EST midnight = 05:00 UTC)', { date: { after: '2026-03-08', timezone: 'America/New_York' } }, '2026-03-08T05:00:00Z', true],
    ['New York: 04:59:59 UTC is still the 7th there', { date: { after: '2026-03-08', timezone: 'America/New_York' } }, '2026-03-08T04:59:59Z', false],
    // A wall time the spring change skips is read with the offset before the change (+01:00).
    ['Berlin 02:30 on 2026-03-29 never happens: read as 01:30 UTC', { date: { after: '2026-03-29T02:30:00', timezone: 'Europe/Berlin' } }, '2026-03-29T01:30:00Z', true],
    ['…and 01:29:59 UTC is before it', { date: { after: '2026-03-29T02:30:00', timezone: 'Europe/Berlin' } }, '2026-03-29T01:29:59Z', false],
    // A wall time the autumn change repeats is read with the offset after the change: its second occurrence.
    ['Berlin 02:30 on 2026-10-25 happens twice: the second (01:30 UTC) counts', { date: { after: '2026-10-25T02:30:00', timezone: 'Europe/Berlin' } }, '2026-10-25T01:30:00Z', true],
    ['…so the first (00:30 UTC) is before it', { date: { after: '2026-10-25T02:30:00', timezone: 'Europe/Berlin' } }, '2026-10-25T00:30:00Z', false],
  ])('%s', (_name, criterion, iso, want) => {
    expect(holds(criterion, iso)).toBe(want);
  });

  it('a YAML timestamp (a Date) without an offset is a wall time in the zone', () => {
    const criterion = { date: { after: new Date('2026-01-01T00:00:00Z'), timezone: 'Europe/Berlin' } };
    expect(holds(criterion, '2025-12-31T23:00:00Z')).toBe(true);
    expect(holds(criterion, '2025-12-31T22:59:59Z')).toBe(false);
  });
});
