/**
 * The directory's refusals as SCIM errors (RFC 7644 §3.12): the one place that gives each of the
 * directory's stable codes (src/persistence/directory.ts) its status and scimType. The detail
 * travels as the directory wrote it.
 */
import type { DirectoryError, DirectoryErrorCode } from '../../directory/index.js';
import { ScimError, scimError } from '../protocol/errors.js';

const TO_SCIM: Record<DirectoryErrorCode, (detail: string) => ScimError> = {
  'not-found': (detail) => new ScimError({ status: 404, code: 'not-found', detail }),
  'precondition-failed': (detail) => new ScimError({ status: 412, code: 'precondition-failed', detail }),
  uniqueness: (detail) => scimError('uniqueness', detail),
  'invalid-filter': (detail) => scimError('invalidFilter', detail),
  // RFC 7644 §3.4.2.3 names no scimType for a bad sortBy; invalidValue says "a value in the request".
  'invalid-sort': (detail) => scimError('invalidValue', detail),
  'invalid-member': (detail) => scimError('invalidValue', detail),
};

export function scimErrorOfDirectory(error: DirectoryError): ScimError {
  return TO_SCIM[error.code](error.detail);
}

/** A failure from the directory or from SCIM itself (a PATCH's own error passed through a write), as a ScimError. */
export function asScimError(error: DirectoryError | ScimError): ScimError {
  return error instanceof ScimError ? error : scimErrorOfDirectory(error);
}
