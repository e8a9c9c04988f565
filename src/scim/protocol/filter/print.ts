/**
 * Filter AST → canonical filter text (RFC 7644 §3.4.2.2): lowercase operators, JSON literals,
 * and only the parentheses precedence needs, so parseFilter(printFilter(ast)) equals ast.
 * Used for logs, error details and forwarding filters to other SCIM services.
 */
import type { AttrPath } from '../schemas/index.js';
import type { CompValue, Filter } from './ast.js';

export function printAttrPath(path: AttrPath): string {
  const name = path.sub === undefined ? path.attr : `${path.attr}.${path.sub}`;
  return path.schema === undefined ? name : `${path.schema}:${name}`;
}

export function printValue(value: CompValue): string {
  if (typeof value === 'string') return JSON.stringify(value);
  // String(-0) is "0", which would parse back as +0.
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  return String(value);
}

/** `and`/`or` are left-associative and `and` binds tighter, so these are the only places needing parentheses. */
function operand(filter: Filter, parent: 'and' | 'or', side: 'left' | 'right'): string {
  const text = printFilter(filter);
  const needs =
    (parent === 'and' && (filter.kind === 'or' || (side === 'right' && filter.kind === 'and'))) ||
    (parent === 'or' && side === 'right' && filter.kind === 'or');
  return needs ? `(${text})` : text;
}

export function printFilter(filter: Filter): string {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return `${operand(filter.left, filter.kind, 'left')} ${filter.kind} ${operand(filter.right, filter.kind, 'right')}`;
    case 'not':
      return `not (${printFilter(filter.filter)})`;
    case 'present':
      return `${printAttrPath(filter.path)} pr`;
    case 'compare':
      return `${printAttrPath(filter.path)} ${filter.op} ${printValue(filter.value)}`;
    case 'valuePath':
      return `${printAttrPath(filter.path)}[${printFilter(filter.filter)}]`;
  }
}
