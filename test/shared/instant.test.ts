// The one parser for times typed on the command line: a zone-less time is UTC, like a date alone.
import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../src/shared/instant.js';

describe('parseInstant', () => {
  it.each([
    ['2026-12-01', '2026-12-01T00:00:00.000Z'],
    ['2026-12-01T10:00:00', '2026-12-01T10:00:00.000Z'],
    ['2026-12-01 10:00', '2026-12-01T10:00:00.000Z'],
    ['2026-12-01T10:00:00.25', '2026-12-01T10:00:00.250Z'],
    ['2026-12-01T10:00:00Z', '2026-12-01T10:00:00.000Z'],
    ['2026-12-01T10:00:00+02:00', '2026-12-01T08:00:00.000Z'],
    ['2026-12-01T10:00:00-0130', '2026-12-01T11:30:00.000Z'],
  ])('%s is %s', (text, iso) => {
    expect(parseInstant(text)?.toISOString()).toBe(iso);
  });

  it.each(['2026', 'yesterday', '2026-02-30', '2026-12-01T24:00:00', '2026-13-01', '12/01/2026', '2026-12-01T10'])('refuses %s', (text) => {
    expect(parseInstant(text)).toBeUndefined();
  });
});
