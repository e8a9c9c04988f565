/**
 * SCIM filters (RFC 7644 §3.4.2.2) compiled to a drizzle SQL condition on the `users` or
 * `groups` table, so listing filters run inside SQLite on indexed columns and nothing is
 * loaded to be filtered in JS. Pure: unknown attributes and ill-typed literals come back as
 * `invalid-filter` refusals. Attribute names resolve through the lookup the query came with.
 *
 * Semantics match the in-memory evaluator (scim/protocol/filter/evaluate.ts), which PATCH uses:
 * - a multi-valued attribute matches when any of its values does; `emails eq x` compares `value`;
 * - `ne` matches an absent attribute, and on a multi-valued attribute "some value differs";
 * - `eq null` means "not present", `ne null` means "present";
 * - `not` treats an unknown (NULL) condition as false before negating, so absent attributes match.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { AttributeLookup, DirectoryResult } from '../../persistence/directory.js';
import { ok } from '../../shared/result.js';
import type { CompareOp, CompValue, Filter } from '../../scim/protocol/filter/ast.js';
import type { AttributeDef } from '../../scim/protocol/schemas/index.js';
import { refuse } from '../refuse.js';
import { attributeTarget, type Collection, type Operand, type SubScope, type Target } from './attribute-columns.js';
import { withinBudget } from './filter-sql/budget.js';
import { compare, negate, present } from './filter-sql/compare.js';
import { join, not, plain, someElement, type Piece } from './filter-sql/pieces.js';

export { MAX_FILTER_SUBQUERIES, MAX_FILTER_TERMS } from './filter-sql/budget.js';
export { compileSortKey, orderBySortKey } from './filter-sql/sort-key.js';

/** Where a path is looked up: the resource itself, or (inside `attr[...]`) one element of `attr`. */
type Scope = { kind: 'root'; attributes: AttributeLookup } | { kind: 'element'; attributes: AttributeLookup; parent: AttributeDef; sub: SubScope };

const invalid = (detail: string): DirectoryResult<never> => refuse('invalid-filter', detail);

const any = (conditions: SQL[]): SQL => (conditions.length === 0 ? sql`0` : sql`(${sql.join(conditions, sql` OR `)})`);

/** Compare, with `eq null` / `ne null` read as absence / presence. */
function compareOrPresence(operand: Operand, op: CompareOp, value: CompValue, label: string): DirectoryResult<SQL> {
  if (value !== null) return compare(operand, op, value, label);
  if (op === 'eq') return ok(negate(present(operand)));
  if (op === 'ne') return ok(present(operand));
  return invalid(`operator "${op}" cannot be used with null ("${label}")`);
}

/** A complex value is present when any of its sub-attributes is (as evaluate.ts reads it). */
function anySubPresent(attribute: AttributeDef, scope: SubScope): SQL {
  const conditions: SQL[] = [];
  for (const sub of attribute.subAttributes ?? []) {
    const operand = scope(sub);
    if (operand.ok) conditions.push(present(operand.value));
  }
  return any(conditions);
}

/** The sub-attribute a test on a complex attribute looks at: the one named, else `value`. */
function subFor(attributes: AttributeLookup, attribute: AttributeDef, named: AttributeDef | undefined, label: string): DirectoryResult<AttributeDef> {
  const sub = named ?? attributes.subAttribute(attribute, 'value');
  return sub ? ok(sub) : invalid(`attribute "${label}" is complex; name one of its sub-attributes`);
}

/**
 * `ne` on a multi-valued attribute: no values at all, or some value that differs (a value of
 * the element itself when no sub-attribute is named, as in evaluate.ts).
 */
function collectionNotEqual(collection: Collection, operand: Operand, value: CompValue, named: boolean, label: string): DirectoryResult<Piece> {
  const differs = compareOrPresence(operand, 'ne', value, label);
  if (!differs.ok) return differs;
  if (!named) return ok(plain(sql`(NOT ${collection.nonEmpty} OR ${collection.exists(differs.value)})`, 1, 2));
  const hasValue = sql`${operand.expr} IS NOT NULL`;
  return ok(plain(sql`(NOT ${collection.exists(hasValue)} OR ${collection.exists(sql`${hasValue} AND ${differs.value}`)})`, 1, 2));
}

const single = (condition: DirectoryResult<SQL>): DirectoryResult<Piece> => (condition.ok ? ok(plain(condition.value, 1)) : condition);

/** A `pr` or comparison on a top-level path, dispatched on where the attribute lives. */
function compileRootTest(
  attributes: AttributeLookup,
  filter: Extract<Filter, { kind: 'present' | 'compare' }>,
  target: Target,
  named: AttributeDef | undefined,
): DirectoryResult<Piece> {
  const label = attributes.label(filter.path);
  if (filter.kind === 'compare' && filter.value === null) {
    // `eq null` / `ne null` ask whether the whole path is present, whatever its shape.
    if (filter.op !== 'eq' && filter.op !== 'ne') return invalid(`operator "${filter.op}" cannot be used with null ("${label}")`);
    const presence = compileRootTest(attributes, { kind: 'present', path: filter.path }, target, named);
    return presence.ok && filter.op === 'eq' ? ok(not(presence.value)) : presence;
  }
  if (target.kind === 'scalar') {
    return filter.kind === 'present' ? ok(plain(present(target.operand), 1)) : single(compareOrPresence(target.operand, filter.op, filter.value, label));
  }
  const attribute = target.kind === 'complex' ? target.attribute : target.collection.attribute;
  const scope = target.kind === 'complex' ? target.sub : target.collection.element;
  if (filter.kind === 'present' && named === undefined) {
    return ok(target.kind === 'complex' ? plain(anySubPresent(attribute, scope), 1) : plain(target.collection.nonEmpty, 1, 1));
  }
  const sub = subFor(attributes, attribute, named, label);
  if (!sub.ok) return sub;
  const operand = scope(sub.value);
  if (!operand.ok) return operand;
  if (filter.kind === 'present') return ok(target.kind === 'complex' ? plain(present(operand.value), 1) : someElement(target.collection, present(operand.value), 1));
  if (target.kind === 'complex') return single(compareOrPresence(operand.value, filter.op, filter.value, label));
  const { collection } = target;
  if (filter.op === 'ne') return collectionNotEqual(collection, operand.value, filter.value, named !== undefined, label);
  const condition = compareOrPresence(operand.value, filter.op, filter.value, label);
  return condition.ok ? ok(someElement(collection, condition.value, 1)) : condition;
}

function compileRoot(filter: Extract<Filter, { kind: 'present' | 'compare' | 'valuePath' }>, attributes: AttributeLookup): DirectoryResult<Piece> {
  const resolved = attributes.resolve(filter.path);
  if (!resolved) return invalid(`unknown attribute "${attributes.label(filter.path)}"`);
  const target = attributeTarget(attributes.resourceType, resolved);
  if (!target.ok) return target;
  if (filter.kind !== 'valuePath') return compileRootTest(attributes, filter, target.value, resolved.subAttribute);
  const label = attributes.label(filter.path);
  if (filter.path.sub !== undefined) return invalid(`a value filter applies to a whole attribute, not "${label}"`);
  const t = target.value;
  if (t.kind === 'scalar') return invalid(`attribute "${label}" has no sub-attributes to filter on`);
  const attribute = t.kind === 'complex' ? t.attribute : t.collection.attribute;
  const inner = compileNode(filter.filter, { kind: 'element', attributes, parent: attribute, sub: t.kind === 'complex' ? t.sub : t.collection.element });
  if (!inner.ok) return inner;
  return ok(t.kind === 'complex' ? plain(sql`(${t.exists} AND ${inner.value.sql})`, inner.value.terms) : someElement(t.collection, inner.value.sql, inner.value.terms));
}

/** Inside `attr[...]`: paths name sub-attributes of one element. */
function compileElement(filter: Extract<Filter, { kind: 'present' | 'compare' | 'valuePath' }>, scope: Extract<Scope, { kind: 'element' }>): DirectoryResult<Piece> {
  const label = `${scope.parent.name}.${scope.attributes.label(filter.path)}`;
  if (filter.kind === 'valuePath') return invalid(`value filters cannot be nested ("${label}[...]")`);
  if (filter.path.sub !== undefined || filter.path.schema !== undefined) return invalid(`unknown attribute "${label}"`);
  const sub = scope.attributes.subAttribute(scope.parent, filter.path.attr);
  if (!sub) return invalid(`unknown attribute "${label}"`);
  const operand = scope.sub(sub);
  if (!operand.ok) return operand;
  return filter.kind === 'present' ? ok(plain(present(operand.value), 1)) : single(compareOrPresence(operand.value, filter.op, filter.value, label));
}

/** The operands of a chain of one operator, left to right: `a or (b or c) or d` → a, b, c, d. */
function chain(filter: Filter, kind: 'and' | 'or', into: Filter[] = []): Filter[] {
  // An explicit stack: a chain is as long as the filter allows (hundreds of terms), recursion on its left spine is not needed.
  const stack: Filter[] = [filter];
  while (stack.length > 0) {
    const node = stack.pop() as Filter;
    if (node.kind === kind) stack.push(node.right, node.left);
    else into.push(node);
  }
  return into;
}

function compileNode(filter: Filter, scope: Scope): DirectoryResult<Piece> {
  switch (filter.kind) {
    case 'and':
    case 'or': {
      const pieces: Piece[] = [];
      for (const operand of chain(filter, filter.kind)) {
        const piece = compileNode(operand, scope);
        if (!piece.ok) return piece;
        pieces.push(piece.value);
      }
      return ok(join(filter.kind, pieces));
    }
    case 'not': {
      const inner = compileNode(filter.filter, scope);
      return inner.ok ? ok(not(inner.value)) : inner;
    }
    default:
      return scope.kind === 'root' ? compileRoot(filter, scope.attributes) : compileElement(filter, scope);
  }
}

/** A WHERE condition on the lookup's resource type's table (users or groups) selecting what `filter` matches. */
export function compileFilter(filter: Filter, attributes: AttributeLookup): DirectoryResult<SQL> {
  const compiled = compileNode(filter, { kind: 'root', attributes });
  if (!compiled.ok) return compiled;
  const bounded = withinBudget(compiled.value);
  return bounded.ok ? ok(bounded.value.sql) : bounded;
}
