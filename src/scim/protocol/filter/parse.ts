/**
 * Parser for the SCIM filter language (RFC 7644 §3.4.2.2): text → Filter AST, or an
 * invalidFilter error naming what is wrong and where. Recursive descent over the lexer's
 * tokens with the RFC's precedence (not > and > or, both left-associative).
 *
 * Beyond the strict ABNF we accept what real clients send: `not(` without a space, keywords
 * and operators in any case, and Entra's `emails[type eq "work"].value eq "x"`, which means
 * "an element with type work whose value is x" and becomes one value path with an `and` inside.
 */
import type { AttrPath } from '../schemas/index.js';
import { scimError, type ScimResult } from '../errors.js';
import { fail, ok } from '../../../shared/result.js';
import type { CompareOp, CompValue, Filter } from './ast.js';
import { tokenize, type Token } from './lexer.js';

/** Longer filters are refused outright: nothing legitimate comes close. */
export const MAX_FILTER_LENGTH = 8192;
/** Brackets, parentheses and `not` nest at most this deep, so recursion stays shallow. */
export const MAX_FILTER_DEPTH = 64;

const COMPARE_OPS: ReadonlySet<string> = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const ATTR_NAME = /^(?:[A-Za-z][A-Za-z0-9_-]*|\$ref)$/i;

/** Thrown only inside this module and caught in parseFilter, so deep call chains stay readable. */
class FilterSyntaxError extends Error {}

function describe(token: Token): string {
  switch (token.type) {
    case 'eof':
      return 'end of filter';
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    default:
      return `'${token.text}'`;
  }
}

/**
 * Split a path as written into schema URN, attribute and sub-attribute. The URN is everything
 * before the last colon; what follows is `attr` or `attr.sub`.
 */
function splitPath(text: string, pos: number): AttrPath {
  let rest = text;
  let schema: string | undefined;
  if (/^urn:/i.test(text)) {
    const colon = text.lastIndexOf(':');
    schema = text.slice(0, colon);
    rest = text.slice(colon + 1);
    if (!/^urn:[^:]/i.test(schema)) throw new FilterSyntaxError(`invalid schema URN at position ${pos}`);
  }
  const parts = rest.split('.');
  const [attr, sub] = parts;
  if (parts.length > 2 || attr === undefined || !ATTR_NAME.test(attr) || (sub !== undefined && !ATTR_NAME.test(sub))) {
    throw new FilterSyntaxError(`invalid attribute path '${text}' at position ${pos}`);
  }
  const path: AttrPath = schema === undefined ? { attr } : { schema, attr };
  if (sub !== undefined) path.sub = sub;
  return path;
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  private peek(offset = 0): Token {
    // The token list always ends with eof, so clamping keeps every read in range.
    const at = Math.min(this.index + offset, this.tokens.length - 1);
    return this.tokens[at] ?? { type: 'eof', pos: 0 };
  }

  private next(): Token {
    const token = this.peek();
    if (this.index < this.tokens.length - 1) this.index += 1;
    return token;
  }

  private isWord(token: Token, ...words: string[]): boolean {
    return token.type === 'word' && words.includes(token.text.toLowerCase());
  }

  private isPunct(token: Token, text: string): boolean {
    return token.type === 'punct' && token.text === text;
  }

  private expectPunct(text: string): Token {
    const token = this.next();
    if (!this.isPunct(token, text)) throw new FilterSyntaxError(`expected '${text}' but found ${describe(token)} at position ${token.pos}`);
    return token;
  }

  private enter(pos: number): void {
    this.depth += 1;
    if (this.depth > MAX_FILTER_DEPTH) throw new FilterSyntaxError(`filter nests deeper than ${MAX_FILTER_DEPTH} levels at position ${pos}`);
  }

  parseAll(): Filter {
    const filter = this.parseOr(false);
    const rest = this.peek();
    if (rest.type !== 'eof') throw new FilterSyntaxError(`unexpected ${describe(rest)} at position ${rest.pos}`);
    return filter;
  }

  private parseOr(inValuePath: boolean): Filter {
    let left = this.parseAnd(inValuePath);
    while (this.isWord(this.peek(), 'or')) {
      this.next();
      left = { kind: 'or', left, right: this.parseAnd(inValuePath) };
    }
    return left;
  }

  private parseAnd(inValuePath: boolean): Filter {
    let left = this.parseUnary(inValuePath);
    while (this.isWord(this.peek(), 'and')) {
      this.next();
      left = { kind: 'and', left, right: this.parseUnary(inValuePath) };
    }
    return left;
  }

  private parseUnary(inValuePath: boolean): Filter {
    const token = this.peek();
    if (this.isPunct(token, '(')) {
      this.next();
      this.enter(token.pos);
      const inner = this.parseOr(inValuePath);
      this.expectPunct(')');
      this.depth -= 1;
      return inner;
    }
    // `not` is a keyword only before "(": an attribute may itself be called "not".
    if (this.isWord(token, 'not') && this.isPunct(this.peek(1), '(')) {
      this.next();
      const open = this.next();
      this.enter(open.pos);
      const inner = this.parseOr(inValuePath);
      this.expectPunct(')');
      this.depth -= 1;
      return { kind: 'not', filter: inner };
    }
    if (token.type !== 'word') {
      const what = token.type === 'eof' ? 'expected an attribute path but reached end of filter' : `expected an attribute path but found ${describe(token)}`;
      throw new FilterSyntaxError(`${what} at position ${token.pos}`);
    }
    this.next();
    const path = splitPath(token.text, token.pos);
    if (this.isPunct(this.peek(), '[')) return this.parseValuePath(path, token.pos, inValuePath);
    return this.parseAttrExp(path, token);
  }

  private parseValuePath(path: AttrPath, pos: number, inValuePath: boolean): Filter {
    if (inValuePath) throw new FilterSyntaxError(`nested value path at position ${pos}`);
    const open = this.next();
    this.enter(open.pos);
    let filter = this.parseOr(true);
    const close = this.expectPunct(']');
    this.depth -= 1;
    const dot = this.peek();
    // Entra: `emails[type eq "work"].value eq "x"` — the trailing comparison applies to the same element.
    if (this.isPunct(dot, '.') && dot.pos === close.pos + 1) {
      this.next();
      const name = this.next();
      if (name.type !== 'word' || name.pos !== dot.pos + 1 || path.sub !== undefined || !ATTR_NAME.test(name.text)) {
        throw new FilterSyntaxError(`expected a sub-attribute name at position ${dot.pos + 1}`);
      }
      filter = { kind: 'and', left: filter, right: this.parseAttrExp({ attr: name.text }, name) };
    }
    return { kind: 'valuePath', path, filter };
  }

  private parseAttrExp(path: AttrPath, at: Token): Filter {
    const opToken = this.next();
    if (opToken.type !== 'word') {
      throw new FilterSyntaxError(`expected an operator after '${at.type === 'word' ? at.text : ''}' but found ${describe(opToken)} at position ${opToken.pos}`);
    }
    const op = opToken.text.toLowerCase();
    if (op === 'pr') return { kind: 'present', path };
    if (!COMPARE_OPS.has(op)) throw new FilterSyntaxError(`unknown operator '${opToken.text}' at position ${opToken.pos}`);
    return { kind: 'compare', op: op as CompareOp, path, value: this.parseValue() };
  }

  private parseValue(): CompValue {
    const token = this.next();
    if (token.type === 'string' || token.type === 'number') return token.value;
    if (token.type === 'word') {
      const word = token.text.toLowerCase();
      if (word === 'true') return true;
      if (word === 'false') return false;
      if (word === 'null') return null;
    }
    throw new FilterSyntaxError(`expected a value (string, number, true, false or null) but found ${describe(token)} at position ${token.pos}`);
  }
}

/** Parse a filter expression. Never throws: every problem is an invalidFilter error. */
export function parseFilter(text: string): ScimResult<Filter> {
  if (typeof text !== 'string') return fail(scimError('invalidFilter', 'filter must be a string at position 0'));
  if (text.length > MAX_FILTER_LENGTH) {
    return fail(scimError('invalidFilter', `filter is longer than ${MAX_FILTER_LENGTH} characters at position ${MAX_FILTER_LENGTH}`));
  }
  if (text.trim() === '') return fail(scimError('invalidFilter', 'filter is empty at position 0'));
  const tokens = tokenize(text);
  if (!tokens.ok) return tokens;
  try {
    return ok(new Parser(tokens.value).parseAll());
  } catch (error) {
    if (error instanceof FilterSyntaxError) return fail(scimError('invalidFilter', error.message));
    return fail(scimError('invalidFilter', 'filter could not be parsed at position 0'));
  }
}

/** Parse a bare attribute path (`name.givenName`, `urn:…:User:manager.value`), e.g. for sortBy or attributes. */
export function parseAttrPath(text: string): ScimResult<AttrPath> {
  const tokens = tokenize(text);
  if (!tokens.ok) return tokens;
  const [word, end] = tokens.value;
  if (word?.type !== 'word' || end?.type !== 'eof') return fail(scimError('invalidFilter', `expected one attribute path at position ${word?.pos ?? 0}`));
  try {
    return ok(splitPath(word.text, word.pos));
  } catch (error) {
    return fail(scimError('invalidFilter', error instanceof Error ? error.message : `invalid attribute path at position ${word.pos}`));
  }
}
