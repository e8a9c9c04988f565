/**
 * Wall-clock time in an IANA time zone, through Intl (no tz database of our own). Formatting
 * costs microseconds and allocates, and a decision only needs second precision, so each clock
 * remembers the last second it was asked about.
 */

/** A time a Date can hold (±8.64e15 ms): anything else is a missing fact, never a RangeError. */
export const isInstant = (ms: number): boolean => Number.isFinite(ms) && Math.abs(ms) <= 8.64e15;

export interface LocalTime {
  /** Seconds since local midnight, 0–86399. */
  secondOfDay: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

const WEEKDAYS: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Undefined when the zone is not one Intl knows. `UTC` and `Etc/…` zones are IANA names too. */
export function createLocalClock(timeZone: string): ((ms: number) => LocalTime) | undefined {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', weekday: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  } catch {
    return undefined;
  }
  let lastSecond = Number.NaN;
  let last: LocalTime = { secondOfDay: 0, weekday: 0 };
  return (ms) => {
    const second = Math.floor(ms / 1000);
    if (second === lastSecond) return last;
    let hour = 0;
    let min = 0;
    let sec = 0;
    let weekday = 0;
    for (const part of format.formatToParts(ms)) {
      if (part.type === 'hour') hour = Number(part.value) % 24;
      else if (part.type === 'minute') min = Number(part.value);
      else if (part.type === 'second') sec = Number(part.value);
      else if (part.type === 'weekday') weekday = WEEKDAYS[part.value] ?? 0;
    }
    lastSecond = second;
    last = { secondOfDay: hour * 3600 + min * 60 + sec, weekday };
    return last;
  };
}

/** The zone's offset from UTC at an instant, in ms (positive east of Greenwich). */
export function zoneOffsetMs(timeZone: string, ms: number): number {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(ms)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const asUtc = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, (parts.hour ?? 0) % 24, parts.minute ?? 0, parts.second ?? 0);
  return asUtc - (ms - (ms % 1000));
}

/** A local wall time in a zone → the instant (ms). Around DST gaps the earlier offset wins. */
export function localToInstant(timeZone: string, wallAsUtc: number): number {
  const first = wallAsUtc - zoneOffsetMs(timeZone, wallAsUtc);
  return wallAsUtc - zoneOffsetMs(timeZone, first);
}
