/**
 * The HTTP edge of Result: the one place a SCIM handler turns a failed Result into a thrown
 * error — SCIM's own, or the directory's refusal mapped to SCIM's (directory-errors.ts).
 */
import type { DirectoryError } from '../../directory/index.js';
import type { ScimError } from '../protocol/errors.js';
import type { Result } from '../../shared/result.js';
import { asScimError } from './directory-errors.js';

export function unwrap<T>(result: Result<T, ScimError | DirectoryError>): T {
  if (!result.ok) throw asScimError(result.error);
  return result.value;
}
