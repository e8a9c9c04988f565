// Names why talking to the provider failed, for the log: fetch's own error says only
// "fetch failed"; the reason — DNS, refused connection, TLS, a timeout, an HTTP status, a
// document that is not discovery metadata — sits somewhere down its `cause` chain.

export type FailureKind = 'dns' | 'connection_refused' | 'connection_reset' | 'tls' | 'timeout' | 'http_status' | 'invalid_metadata' | 'other';

export interface FailureCause {
  kind: FailureKind;
  /** One line for operators, e.g. `connection refused: connect ECONNREFUSED 127.0.0.1:8443`. */
  detail: string;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ABORT_ERR', '23']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH']);

export function failureCause(error: unknown): FailureCause {
  const chain = causeChain(error);
  for (const link of chain) {
    const code = errorCode(link);
    const message = errorMessage(link);
    if (code !== undefined && DNS_CODES.has(code)) return { kind: 'dns', detail: `DNS lookup failed: ${message}` };
    if (code === 'ECONNREFUSED') return { kind: 'connection_refused', detail: `connection refused: ${message}` };
    if (code !== undefined && RESET_CODES.has(code)) return { kind: 'connection_reset', detail: `connection failed: ${message}` };
    if (isTls(code, message)) return { kind: 'tls', detail: `TLS failed: ${message}` };
    if ((code !== undefined && TIMEOUT_CODES.has(code)) || nameOf(link) === 'TimeoutError' || nameOf(link) === 'AbortError') {
      return { kind: 'timeout', detail: `no answer in time: ${message}` };
    }
    // openid-client keeps the provider's Response as the cause of a status it refused, and
    // marks a document it refused with an OAUTH_* code.
    const cause = (link as { cause?: unknown }).cause;
    if (cause instanceof Response && !cause.ok) {
      return { kind: 'http_status', detail: `the provider answered HTTP ${cause.status}${cause.statusText ? ` ${cause.statusText}` : ''}` };
    }
    if (code?.startsWith('OAUTH_')) return { kind: 'invalid_metadata', detail: `the discovery document was refused: ${message}` };
  }
  const last = chain.at(-1);
  return { kind: 'other', detail: last === undefined ? 'unknown error' : errorMessage(last) };
}

/** The error and its causes, outermost first (bounded: a cause chain may loop). */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let link = error; link !== undefined && link !== null && chain.length < 8 && !chain.includes(link); link = (link as { cause?: unknown }).cause) {
    // Past the errors come what they were about (a Response, a parsed body): not causes to name.
    if (!(link instanceof Error)) break;
    chain.push(link);
  }
  return chain;
}

function isTls(code: string | undefined, message: string): boolean {
  if (code === undefined) return false;
  return code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || code.startsWith('CERT_') || /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH/.test(code) || /\bSSL routines\b/.test(message);
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' || typeof code === 'number' ? String(code) : undefined;
}

function nameOf(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // OpenSSL's messages carry a library path after the reason; the reason is enough.
  return text.split(':../deps/')[0] ?? text;
}
