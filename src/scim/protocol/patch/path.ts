/**
 * The PATCH "path" (RFC 7644 §3.5.2): `PATH = attrPath / valuePath [subAttr]`, e.g. `title`,
 * `name.familyName`, `emails[type eq "work"].value`, `members[value eq "id"]`,
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager`. Parsing is independent
 * of any schema; which attribute a path names is decided when the patch is applied.
 */
import { scimError, type ScimResult } from '../errors.js';
import { fail, ok } from '../../../shared/result.js';
import { parseAttrPath, parseFilter, printAttrPath, printFilter, type Filter } from '../filter/index.js';
import type { AttrPath } from '../schemas/index.js';

export interface PatchPath {
  /** Schema URN (as written), attribute and, for `name.givenName`, sub-attribute. */
  attrPath: AttrPath;
  /** The `[…]` value selection filter; its paths are relative to one element. */
  valueFilter?: Filter | undefined;
  /** The sub-attribute after a value filter: `.value` in `emails[type eq "work"].value`. */
  subAttr?: string | undefined;
}

/** Paths longer than this are refused: nothing legitimate comes close. */
export const MAX_PATH_LENGTH = 8192;
const ATTR_NAME = /^(?:[A-Za-z][A-Za-z0-9_-]*|\$ref)$/;

const invalid = (text: string, why: string): ScimResult<never> =>
  fail(scimError('invalidPath', `invalid PATCH path ${JSON.stringify(text.slice(0, 200))}: ${why}`));

/** Index of the `]` closing the `[` at `open`, skipping over quoted strings; -1 when unbalanced. */
function closingBracket(text: string, open: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '[') depth++;
    else if (ch === ']' && --depth === 0) return i;
  }
  return -1;
}

/** `urn:…:User:name.givenName` → {schema, attr, sub}: the filter grammar's attribute path, as an invalidPath error. */
function parseAttrPart(text: string, whole: string): ScimResult<AttrPath> {
  const parsed = parseAttrPath(text);
  return parsed.ok ? parsed : invalid(whole, parsed.error.detail);
}

/** Parse a PATCH path. Never throws: every problem is an invalidPath error. */
export function parsePatchPath(input: string): ScimResult<PatchPath> {
  if (typeof input !== 'string') return invalid('', 'path must be a string');
  const text = input.trim();
  if (text === '') return invalid(text, 'path is empty');
  if (text.length > MAX_PATH_LENGTH) return invalid(text, `longer than ${MAX_PATH_LENGTH} characters`);
  const open = text.indexOf('[');
  if (open === -1) {
    if (text.includes(']')) return invalid(text, "unexpected ']'");
    const attrPath = parseAttrPart(text, text);
    return attrPath.ok ? ok({ attrPath: attrPath.value }) : attrPath;
  }
  const attrPath = parseAttrPart(text.slice(0, open).trim(), text);
  if (!attrPath.ok) return attrPath;
  if (attrPath.value.sub !== undefined) return invalid(text, 'a value filter must follow the attribute, not a sub-attribute');
  const close = closingBracket(text, open);
  if (close === -1) return invalid(text, "missing ']'");
  const filter = parseFilter(text.slice(open + 1, close));
  if (!filter.ok) return invalid(text, filter.error.detail);
  const tail = text.slice(close + 1);
  const path: PatchPath = { attrPath: attrPath.value, valueFilter: filter.value };
  if (tail === '') return ok(path);
  if (!tail.startsWith('.') || !ATTR_NAME.test(tail.slice(1))) return invalid(text, `unexpected '${tail}' after the value filter`);
  path.subAttr = tail.slice(1);
  return ok(path);
}

/** Canonical text for a parsed path, for error details and logs; parsePatchPath(print(p)) equals p. */
export function printPatchPath(path: PatchPath): string {
  let text = printAttrPath(path.attrPath);
  if (path.valueFilter) text += `[${printFilter(path.valueFilter)}]`;
  if (path.subAttr !== undefined) text += `.${path.subAttr}`;
  return text;
}
