/** The directory's refusals on the SCIM wire: one mapping, each code to its status and scimType (RFC 7644 §3.12). */
import { describe, expect, it } from 'vitest';
import type { DirectoryErrorCode } from '../../../src/directory/index.js';
import { asScimError, scimErrorOfDirectory } from '../../../src/scim/http/directory-errors.js';
import { scimError } from '../../../src/scim/protocol/errors.js';

describe('directory refusals as SCIM errors', () => {
  it.each<[DirectoryErrorCode, number, string | undefined, string]>([
    ['not-found', 404, undefined, 'not-found'],
    ['precondition-failed', 412, undefined, 'precondition-failed'],
    ['uniqueness', 409, 'uniqueness', 'uniqueness'],
    ['invalid-filter', 400, 'invalidFilter', 'invalidFilter'],
    ['invalid-sort', 400, 'invalidValue', 'invalidValue'],
    ['invalid-member', 400, 'invalidValue', 'invalidValue'],
  ])('%s → %i %s', (code, status, scimType, scimCode) => {
    const error = scimErrorOfDirectory({ code, detail: 'why' });
    expect({ status: error.status, scimType: error.scimType, code: error.code, detail: error.detail }).toEqual({ status, scimType, code: scimCode, detail: 'why' });
  });

  it("a change's own ScimError passes through as it is", () => {
    const own = scimError('mutability', 'id is read-only');
    expect(asScimError(own)).toBe(own);
  });
});
