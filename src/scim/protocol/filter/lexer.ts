/**
 * Tokenizer for the SCIM filter language (RFC 7644 §3.4.2.2). It knows nothing about grammar:
 * it cuts the text into words (attribute paths, operators, keywords, true/false/null), JSON
 * string and number literals, and brackets, each carrying its position (0-based character
 * offset) so the parser can say where a problem is.
 */
import { scimError, type ScimResult } from '../errors.js';
import { fail, ok } from '../../../shared/result.js';

export type Token =
  | { type: 'word'; text: string; pos: number }
  | { type: 'string'; value: string; pos: number }
  | { type: 'number'; value: number; pos: number }
  | { type: 'punct'; text: '(' | ')' | '[' | ']' | '.'; pos: number }
  | { type: 'eof'; pos: number };

// Words hold whole paths ("urn:…:2.0:User:name.givenName") so the parser splits them itself.
const WORD_START = /[A-Za-z$]/;
const WORD_CHAR = /[A-Za-z0-9:._$-]/;
const SPACE = /[ \t\r\n]/;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const HEX4 = /^[0-9A-Fa-f]{4}$/;

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

const invalid = (what: string, pos: number): ScimResult<never> => fail(scimError('invalidFilter', `${what} at position ${pos}`));

/** Describe a character for an error message without echoing control characters raw. */
export function describeChar(ch: string): string {
  return /^[\x21-\x7e]$/.test(ch) ? `'${ch}'` : `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Read a JSON string literal starting at the opening quote; returns its value and the index after it. */
function readString(text: string, start: number): ScimResult<{ value: string; end: number }> {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (ch === '"') return ok({ value, end: i + 1 });
    if (ch !== '\\') {
      value += ch;
      i += 1;
      continue;
    }
    const esc = text.charAt(i + 1);
    if (esc === 'u') {
      const hex = text.slice(i + 2, i + 6);
      if (!HEX4.test(hex)) return invalid('invalid \\u escape in string', i);
      value += String.fromCharCode(parseInt(hex, 16));
      i += 6;
      continue;
    }
    const simple = SIMPLE_ESCAPES[esc];
    if (simple === undefined) {
      return i + 1 >= text.length ? invalid(`unterminated string starting`, start) : invalid(`invalid escape \\${esc} in string`, i);
    }
    value += simple;
    i += 2;
  }
  return invalid('unterminated string starting', start);
}

/** Cut filter text into tokens, ending with an `eof` token. Never throws. */
export function tokenize(text: string): ScimResult<Token[]> {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (SPACE.test(ch)) {
      i += 1;
    } else if (ch === '(' || ch === ')' || ch === '[' || ch === ']' || ch === '.') {
      tokens.push({ type: 'punct', text: ch, pos: i });
      i += 1;
    } else if (ch === '"') {
      const read = readString(text, i);
      if (!read.ok) return read;
      tokens.push({ type: 'string', value: read.value.value, pos: i });
      i = read.value.end;
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(text);
      const end = match ? i + match[0].length : i;
      if (!match || WORD_CHAR.test(text.charAt(end))) return invalid('invalid number', i);
      const value = Number(match[0]);
      if (!Number.isFinite(value)) return invalid('number out of range', i);
      tokens.push({ type: 'number', value, pos: i });
      i = end;
    } else if (WORD_START.test(ch)) {
      let end = i + 1;
      while (end < text.length && WORD_CHAR.test(text.charAt(end))) end += 1;
      tokens.push({ type: 'word', text: text.slice(i, end), pos: i });
      i = end;
    } else {
      return invalid(`unexpected character ${describeChar(ch)}`, i);
    }
  }
  tokens.push({ type: 'eof', pos: text.length });
  return ok(tokens);
}
