import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/crypto/sha256.js';

describe('sha256', () => {
  it('matches a createHash chain for any string, in both encodings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.constantFrom('hex' as const, 'base64url' as const), (data, encoding) => {
        expect(sha256(data, encoding)).toBe(createHash('sha256').update(data, 'utf8').digest(encoding));
      }),
    );
  });

  it('gives the FIPS 180-2 test vector', () => {
    expect(sha256('abc', 'hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
