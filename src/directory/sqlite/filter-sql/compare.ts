/**
 * One comparison or presence test on one SQL operand, following the attribute's type and case
 * rule (RFC 7644 §3.4.2.2, RFC 7643 §2.3). Literals are checked against the attribute type here,
 * so `active eq "yes"` or `meta.created gt "soon"` is an invalidFilter, never a silent no-match.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { DirectoryResult } from '../../../persistence/directory.js';
import { ok } from '../../../shared/result.js';
import { refuse } from '../../refuse.js';
import type { CompareOp } from '../../../scim/protocol/filter/ast.js';
import type { Operand } from '../attribute-columns.js';

/**
 * SQL NOT of a condition that may be NULL (an absent attribute). Plain `NOT NULL` is NULL and
 * drops the row; SCIM's `not` and `ne` must match it, so NULL counts as false first.
 */
export const negate = (condition: SQL): SQL => sql`(NOT coalesce(${condition}, 0))`;

/** `pr`: has a value and it is not the empty string (one expression evaluation, any type). */
export const present = (operand: Operand): SQL => sql`(coalesce(${operand.expr}, '') <> '')`;

const invalid = (detail: string): DirectoryResult<never> => refuse('invalid-filter', detail);

const ORDER_SQL = { gt: sql`>`, ge: sql`>=`, lt: sql`<`, le: sql`<=`, eq: sql`=` } as const;

/** xsd:dateTime as RFC 3339 writes it; a missing zone is read as UTC (we store UTC only). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$/i;

/** The literal in our stored form (toISOString: ms and Z), so dateTimes compare as text. */
export function normaliseDateTime(text: string): string | undefined {
  if (!DATE_TIME.test(text)) return undefined;
  const upper = text.toUpperCase();
  const millis = Date.parse(/(?:Z|[+-]\d{2}:\d{2})$/.test(upper) ? upper : `${upper}Z`);
  return Number.isNaN(millis) ? undefined : new Date(millis).toISOString();
}

function compareStrings(operand: Operand, op: Exclude<CompareOp, 'ne'>, value: string, label: string): DirectoryResult<SQL> {
  const { attribute } = operand;
  if (attribute.type === 'binary' && op !== 'eq') return invalid(`operator "${op}" cannot be used with binary attribute "${label}"`);
  // lower(col) = lower(?) is written exactly like the lower(...) expression indexes so SQLite uses them.
  const folded = !attribute.caseExact;
  const column = folded ? sql`lower(${operand.expr})` : operand.expr;
  const literal = folded ? sql`lower(${value})` : sql`${value}`;
  switch (op) {
    // instr/substr rather than LIKE: no wildcard escaping to get wrong, and no LIKE case rules.
    case 'co':
      return ok(sql`(instr(${column}, ${literal}) > 0)`);
    case 'sw':
      return ok(sql`(instr(${column}, ${literal}) = 1)`);
    case 'ew':
      return ok(sql`(length(${column}) >= length(${literal}) AND substr(${column}, length(${column}) - length(${literal}) + 1) = ${literal})`);
    default:
      return ok(sql`(${column} ${ORDER_SQL[op]} ${literal})`);
  }
}

/** A positive comparison; `ne` is handled by the caller as the negation of `eq`. */
function comparePositive(operand: Operand, op: Exclude<CompareOp, 'ne'>, value: string | number | boolean, label: string): DirectoryResult<SQL> {
  const { attribute } = operand;
  const ordering = op === 'eq' || op === 'gt' || op === 'ge' || op === 'lt' || op === 'le';
  switch (attribute.type) {
    case 'boolean':
      if (typeof value !== 'boolean') return invalid(`attribute "${label}" is boolean; ${JSON.stringify(value)} is not`);
      if (op !== 'eq') return invalid(`operator "${op}" cannot be used with boolean attribute "${label}"`);
      // SQLite stores booleans (column and json_extract alike) as 1/0, and better-sqlite3 cannot bind JS booleans.
      return ok(sql`(${operand.expr} = ${value ? 1 : 0})`);
    case 'integer':
    case 'decimal':
      if (typeof value !== 'number') return invalid(`attribute "${label}" is a number; ${JSON.stringify(value)} is not`);
      if (!ordering) return invalid(`operator "${op}" cannot be used with numeric attribute "${label}"`);
      return ok(sql`(${operand.expr} ${ORDER_SQL[op]} ${value})`);
    case 'dateTime': {
      if (typeof value !== 'string') return invalid(`attribute "${label}" is a dateTime; ${JSON.stringify(value)} is not`);
      if (!ordering) return invalid(`operator "${op}" cannot be used with dateTime attribute "${label}"`);
      const instant = normaliseDateTime(value);
      if (instant === undefined) return invalid(`"${value}" is not a valid dateTime for "${label}" (expected e.g. 2026-11-23T18:00:00Z)`);
      return ok(sql`(${operand.expr} ${ORDER_SQL[op]} ${instant})`);
    }
    case 'string':
    case 'reference':
    case 'binary':
      if (typeof value !== 'string') return invalid(`attribute "${label}" is a string; ${JSON.stringify(value)} is not`);
      return compareStrings(operand, op, value, label);
    case 'complex':
      return invalid(`attribute "${label}" is complex; compare one of its sub-attributes`);
  }
}

/** `operand op value` for a non-null literal; `ne` also matches when the attribute is absent. */
export function compare(operand: Operand, op: CompareOp, value: string | number | boolean, label: string): DirectoryResult<SQL> {
  if (op !== 'ne') return comparePositive(operand, op, value, label);
  const equal = comparePositive(operand, 'eq', value, label);
  return equal.ok ? ok(negate(equal.value)) : equal;
}
