/**
 * Points in time an operator types on the command line (`audit --since`, `audit prune --before`,
 * `policy explain --at`): ISO 8601, a date (`2026-12-01`) or a date-time with or without seconds,
 * fractions and zone. A time without a zone is read as **UTC**, like a date alone — never in the
 * machine's local zone, so the same command means the same instant on every server.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** The instant, or undefined when `value` is not such a time (or names no real day or hour). */
export function parseInstant(value: string): Date | undefined {
  const match = ISO.exec(value.trim());
  if (!match) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', zone = 'Z'] = match;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const text = `${y}-${mo}-${d}T${h}:${mi}:${s}.${(fraction + '000').slice(0, 3)}${offset}`;
  const t = Date.parse(text);
  if (Number.isNaN(t)) return undefined;
  // Date.parse rolls 2026-02-30 over to March; a typo must be refused, not moved.
  const utc = new Date(Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`));
  if (Number.isNaN(utc.getTime()) || utc.getUTCDate() !== Number(d) || utc.getUTCHours() !== Number(h)) return undefined;
  return new Date(t);
}
