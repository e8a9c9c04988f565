import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/shared/duration.js';

describe('configuration durations', () => {
  it.each<[unknown, number]>([
    ['12h', 43_200],
    ['30m', 1_800],
    ['3600s', 3_600],
    ['1d', 86_400],
    ['1h30m', 5_400],
    [' 10m ', 600],
    ['3600', 3_600], // a digit string, as from an environment variable
    [3600, 3_600],
    [0, 0],
  ])('%j is %d seconds', (value, seconds) => {
    expect(parseDuration(value)).toBe(seconds);
  });

  it.each<unknown>(['', '5 minutes', '1.5h', '-1h', 'h', '10ms', '12H', -5, 1.5, Number.NaN, null, true, {}, '9'.repeat(30)])(
    'rejects %j',
    (value) => {
      expect(parseDuration(value)).toBeUndefined();
    },
  );
});
