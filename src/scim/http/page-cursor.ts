/**
 * RFC 9865 cursors: opaque, tamper-evident, expiring tokens for "the page after this one".
 *
 * A cursor holds the directory's position (the last resource of the page it came with — see
 * directory/sqlite/filter-sql/keyset.ts), a fingerprint of the query it belongs to (resource type,
 * filter, sortBy, sortOrder: RFC 9865 §2 has the client repeat them unchanged), and when it was
 * issued; it is sealed with an HMAC under a server key, so a client cannot point it anywhere
 * else, and any server on the same database (same key) accepts it. Nothing is kept per cursor on
 * the server, so cursors cost no memory and need no cleanup; the price is that one cannot be
 * revoked before it expires.
 *
 * Text: base64url(JSON) "." base64url(HMAC-SHA256)[..22] — only RFC 3986 unreserved characters.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PagePosition } from '../../directory/index.js';
import { fail, ok } from '../../shared/result.js';
import { scimError, type ScimResult } from '../protocol/errors.js';

/** How long a cursor stays valid after its page was served (advertised as pagination.cursorTimeout). */
export const CURSOR_TIMEOUT_SECONDS = 3600;

/** Cursors longer than this are not ours: refused before any parsing. */
const MAX_CURSOR_LENGTH = 1024;
const MAC_CHARS = 22;

export interface PageCursors {
  seal(position: PagePosition, query: string): string;
  /** The position a cursor names, if it is ours, unchanged, for this query and not expired. */
  open(cursor: string, query: string): ScimResult<PagePosition>;
}

interface Payload {
  /** Position: the last resource's key, and its sort value when sorted. */
  k: number;
  s?: string | number | null;
  /** Fingerprint of the query. */
  q: string;
  /** Issued at, in seconds. */
  t: number;
}

const invalid = (detail: string) => fail(scimError('invalidCursor', detail));

/** A short, stable name for a query's shape (what must not change between its pages). */
export function queryFingerprint(parts: readonly (string | undefined)[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

function isPosition(value: unknown): value is Payload {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  const sortOk = !('s' in p) || p.s === null || typeof p.s === 'string' || (typeof p.s === 'number' && Number.isFinite(p.s));
  return Number.isSafeInteger(p.k) && typeof p.q === 'string' && Number.isSafeInteger(p.t) && sortOk;
}

export function createPageCursors(key: Uint8Array = randomBytes(32), now: () => Date = () => new Date()): PageCursors {
  const mac = (text: string) => createHmac('sha256', key).update(text).digest('base64url').slice(0, MAC_CHARS);
  const seconds = () => Math.floor(now().getTime() / 1000);

  return {
    seal(position, query) {
      const payload: Payload = { k: position.key, q: query, t: seconds() };
      if (position.sort !== undefined) payload.s = position.sort;
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${body}.${mac(body)}`;
    },
    open(cursor, query) {
      const dot = cursor.indexOf('.');
      if (cursor.length > MAX_CURSOR_LENGTH || dot < 0) return invalid('the cursor is not one this server issued; start again without a cursor');
      const body = cursor.slice(0, dot);
      const given = Buffer.from(cursor.slice(dot + 1));
      const expected = Buffer.from(mac(body));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return invalid('the cursor is not one this server issued, or was changed; use nextCursor exactly as received');
      }
      let payload: unknown;
      try {
        payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      } catch {
        return invalid('the cursor cannot be read');
      }
      if (!isPosition(payload)) return invalid('the cursor cannot be read');
      if (payload.q !== query) {
        return invalid('the cursor belongs to another query: send filter, sortBy and sortOrder unchanged with every page');
      }
      if (seconds() - payload.t > CURSOR_TIMEOUT_SECONDS) {
        return fail(scimError('expiredCursor', `the cursor has expired (cursors last ${CURSOR_TIMEOUT_SECONDS} s); start again without a cursor`));
      }
      return ok(payload.s === undefined ? { key: payload.k } : { key: payload.k, sort: payload.s });
    },
  };
}
