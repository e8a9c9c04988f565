import fc from 'fast-check';
import { parse } from 'hono/utils/cookie';
import { describe, expect, it } from 'vitest';
import { cookieValue } from '../../../src/access/http/cookie-value.js';

const NAME = 'scimgate_session';

// Pieces that make the scanner's edge cases likely: the name inside values and other names,
// blanks around `=` and `;`, quotes, escapes, characters outside the cookie-octet set.
const piece = fc.constantFrom(NAME, `x${NAME}`, `${NAME}x`, '=', ';', ' ', '\t', '"', '%41', '%zz', ',', '\\', 'abc', 'Zz9_-', 'é');
const text = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(''));
const pair = fc.tuple(fc.oneof(fc.constant(NAME), text), text, fc.constantFrom('=', ' = ', '\t=')).map(([name, value, eq]) => `${name}${eq}${value}`);
const header = fc.oneof(
  fc.tuple(fc.array(fc.oneof(pair, text), { maxLength: 6 }), fc.constantFrom(';', '; ', ' ;')).map(([pairs, separator]) => pairs.join(separator)),
  text,
);

describe('cookieValue', () => {
  it('answers exactly what hono parse(header, name)[name] answers', () => {
    fc.assert(
      fc.property(header, (h) => {
        expect(cookieValue(h, NAME)).toBe(parse(h, NAME)[NAME]);
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    [`${NAME}=abc`, 'abc'],
    [`a=1; ${NAME}=abc; b=2`, 'abc'],
    [`a=${NAME}=evil; ${NAME}=good`, 'good'],
    [`x${NAME}=evil`, undefined],
    [`${NAME}="quoted"`, 'quoted'],
    [`${NAME}=bad value\\; ${NAME}=second`, 'second'],
    [`${NAME}=first; ${NAME}=second`, 'first'],
    ['', undefined],
  ])('%s → %s', (h, expected) => {
    expect(cookieValue(h, NAME)).toBe(expected);
    expect(parse(h, NAME)[NAME]).toBe(expected);
  });
});
