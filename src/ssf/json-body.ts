/**
 * Reading the JSON body of an SSF request (through src/http/request-body.ts, the one reader of
 * bodies): `application/json` or no Content-Type at all (SSF 1.0's own examples send none), at
 * most `MAX_BODY_BYTES`, an object — else an SsfError that says which.
 */
import type { Context } from 'hono';
import { requestBodyText } from '../http/request-body.js';
import { requestHeader } from '../http/request-header.js';
import { SsfError } from './errors.js';

export const MAX_BODY_BYTES = 64 * 1024;

/** The body as a JSON object; an empty body reads as `{}` when `emptyIsObject`. */
export async function jsonObjectBody(c: Context, emptyIsObject = false): Promise<Record<string, unknown>> {
  const type = requestHeader(c, 'content-type');
  if (type !== undefined && !/^application\/json\s*(;|$)/i.test(type)) throw new SsfError('unsupported_media_type', 'send the body as application/json');
  const text = await requestBodyText(c, MAX_BODY_BYTES);
  if (text === undefined) throw new SsfError('request_too_large', `the body is over ${MAX_BODY_BYTES} bytes`);
  if (text.trim() === '' && emptyIsObject) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SsfError('invalid_request', 'the body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SsfError('invalid_request', 'the body must be a JSON object');
  return value as Record<string, unknown>;
}

/** A required string member (`stream_id` and friends). */
export function requiredString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value.length === 0 || value.length > 256) throw new SsfError('invalid_request', `${name} is required: a non-empty string`);
  return value;
}
