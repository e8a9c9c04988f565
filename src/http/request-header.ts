/**
 * Reading one request header without building a fetch `Headers` object. Under
 * @hono/node-server the first `c.req.header()` (or `c.req.raw.headers`) copies every raw
 * header into an undici `Headers`, which showed up on every hot path although we read two or
 * three of them. Here the node request's `rawHeaders` are scanned instead, with the same answer
 * `Headers.get` gives: names case-insensitive, repeated headers joined (`; ` for Cookie, `, `
 * otherwise), values without surrounding whitespace. Elsewhere (app.request in tests) hono's
 * own reader answers.
 */
import type { Context } from 'hono';
import { nodeRequest } from './node-request.js';

/** `name` must be lower case. */
export function requestHeader(c: Context, name: string): string | undefined {
  const raw = nodeRequest(c)?.rawHeaders;
  return raw === undefined ? c.req.header(name) : rawHeader(raw, name);
}

/** requestHeader over node's `rawHeaders` directly, for code that runs before hono has a Context. */
export function rawHeader(raw: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i] as string;
    if (key.length !== name.length || key.toLowerCase() !== name) continue;
    value = joined(value, name, raw[i + 1]);
  }
  return value;
}

/** A repeated header's values joined as fetch Headers.get joins them (`; ` for Cookie, `, ` otherwise). */
function joined(previous: string | undefined, name: string, raw: string | undefined): string {
  const next = normalize(raw ?? '');
  return previous === undefined ? next : `${previous}${name === 'cookie' ? '; ' : ', '}${next}`;
}

/**
 * Several headers in one pass over the raw headers: `result[i]` is `requestHeader(c, names[i])`.
 * Names must be lower case.
 */
export function requestHeaders(c: Context, names: readonly string[]): (string | undefined)[] {
  const raw = nodeRequest(c)?.rawHeaders;
  return raw === undefined ? names.map((name) => c.req.header(name)) : rawHeaders(raw, names);
}

/** requestHeaders over node's `rawHeaders` directly, for code that runs before hono has a Context. */
export function rawHeaders(raw: readonly string[], names: readonly string[]): (string | undefined)[] {
  const values: (string | undefined)[] = names.map(() => undefined);
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i] as string;
    let lower: string | undefined;
    for (let n = 0; n < names.length; n++) {
      const name = names[n] as string;
      if (key.length !== name.length || (lower ??= key.toLowerCase()) !== name) continue;
      values[n] = joined(values[n], name, raw[i + 1]);
    }
  }
  return values;
}

const HTTP_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;

/** Fetch's header value normalisation; node has usually trimmed already, so test before replacing. */
function normalize(value: string): string {
  if (value === '') return value;
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  const padded = first === 32 || first === 9 || first === 10 || first === 13 || last === 32 || last === 9 || last === 10 || last === 13;
  return padded ? value.replace(HTTP_WHITESPACE, '') : value;
}
