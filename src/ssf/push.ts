/**
 * Push delivery (RFC 8935): one SET per HTTP POST to the receiver's endpoint, as
 * `application/secevent+jwt`, with the Authorization header the receiver configured. 202 is the
 * only acceptance (§2.2). A 400 carries `{"err", "description"}` (§2.3): the receiver refused this
 * SET and would refuse it again, so it is not retried — except `invalid_key`, which a receiver
 * with a stale copy of our JWKS answers until it fetches the new key. Anything else (no answer,
 * 401/403, 429, 5xx) is retried by the delivery worker, honouring Retry-After. Redirects are not
 * followed: the SET and its credentials go only where the receiver said.
 */
import type { SendOutcome } from '../hooks/subscriber.js';

export const SET_MEDIA_TYPE = 'application/secevent+jwt';
const MAX_ERROR_BODY = 4096;

export interface PushTarget {
  url: string;
  authorization?: string;
}

export async function pushSet(
  fetchFn: typeof fetch,
  target: PushTarget,
  token: string,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<SendOutcome> {
  let response: Response;
  try {
    response = await fetchFn(target.url, {
      method: 'POST',
      headers: {
        'content-type': SET_MEDIA_TYPE,
        accept: 'application/json',
        ...(target.authorization === undefined ? {} : { authorization: target.authorization }),
      },
      body: token,
      redirect: 'manual',
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
  } catch (error) {
    return { ok: false, retryable: true, reason: `push to the receiver failed: ${describe(error)}` };
  }
  const text = await readSome(response);
  if (response.status === 202) return { ok: true };
  if (response.status === 400) {
    const refusal = parseRefusal(text);
    const reason = `receiver refused the SET (RFC 8935 §2.3): ${refusal ? `${refusal.err}${refusal.description ? ` — ${refusal.description}` : ''}` : 'HTTP 400'}`;
    return { ok: false, retryable: refusal?.err === 'invalid_key', reason };
  }
  if (response.status >= 200 && response.status < 300) {
    return { ok: false, retryable: false, reason: `receiver answered ${response.status}; RFC 8935 §2.2 acknowledges a SET only with 202 Accepted` };
  }
  if (response.status >= 300 && response.status < 400) {
    return { ok: false, retryable: false, reason: `receiver answered a redirect (${response.status}); SETs are pushed only to the configured endpoint_url` };
  }
  const retryAfterMs = retryAfter(response.headers.get('retry-after'));
  return { ok: false, retryable: true, reason: `receiver answered HTTP ${response.status}`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

function parseRefusal(text: string): { err: string; description?: string } | undefined {
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body !== 'object' || body === null) return undefined;
    const { err, description } = body as Record<string, unknown>;
    if (typeof err !== 'string') return undefined;
    return { err: err.slice(0, 200), ...(typeof description === 'string' ? { description: description.slice(0, 500) } : {}) };
  } catch {
    return undefined;
  }
}

async function readSome(response: Response): Promise<string> {
  try {
    const text = await response.text();
    return text.slice(0, MAX_ERROR_BODY);
  } catch {
    return '';
  }
}

/** Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3). */
function retryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
