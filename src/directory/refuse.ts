/**
 * How the directory says no: a failed Result holding a DirectoryError (src/persistence/directory.ts)
 * with its stable code. The SCIM layer turns it into SCIM's error (src/scim/http/directory-errors.ts).
 */
import type { DirectoryError, DirectoryErrorCode } from '../persistence/directory.js';
import { fail, type Result } from '../shared/result.js';

export const refuse = (code: DirectoryErrorCode, detail: string): Result<never, DirectoryError> => fail({ code, detail });
