/** The HTTP edge of Result: the one place a SCIM handler turns a failed Result into a thrown error. */
import type { ScimResult } from '../protocol/errors.js';

export function unwrap<T>(result: ScimResult<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}
