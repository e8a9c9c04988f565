/**
 * Reading SCIM request bodies: JSON under application/scim+json or application/json
 * (plain JSON is what many clients send). Anything else is refused with a SCIM error.
 */
import type { Context } from 'hono';
import { requestHeader } from '../../http/request-header.js';
import { ScimError, fail, ok, scimError, type Result } from '../protocol/errors.js';

const JSON_TYPES = new Set(['application/scim+json', 'application/json']);

export async function readScimBody(c: Context): Promise<Result<unknown>> {
  const contentType = requestHeader(c, 'content-type');
  if (contentType !== undefined) {
    const essence = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!JSON_TYPES.has(essence)) {
      return fail(new ScimError({ status: 415, detail: `unsupported media type "${essence}"; send application/scim+json` }));
    }
  }
  const text = await c.req.text();
  if (text.trim() === '') return fail(scimError('invalidSyntax', 'request body is empty'));
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'malformed JSON';
    return fail(scimError('invalidSyntax', `request body is not valid JSON: ${reason}`));
  }
}
