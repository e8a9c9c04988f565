/**
 * sortBy (RFC 7644 §3.4.2.3) as an ORDER BY expression on the users or groups table.
 *
 * An unknown or unsortable attribute is refused (`invalid-sort`, SCIM's invalidValue) rather than silently falling back
 * to the default order, which the RFC also allows: a client paging through "sorted" results
 * that are not sorted gets a wrong picture without noticing, while a 400 names its typo.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { AttributeLookup, DirectoryResult } from '../../../persistence/directory.js';
import { ok } from '../../../shared/result.js';
import type { AttrPath } from '../../../scim/protocol/schemas/index.js';
import { refuse } from '../../refuse.js';
import { attributeTarget, type Operand } from '../attribute-columns.js';

const invalid = (detail: string): DirectoryResult<never> => refuse('invalid-sort', detail);


/** caseExact=false strings sort case-insensitively, by the same lower(...) the indexes hold. */
function sortable(operand: Operand): SQL {
  const { type, caseExact } = operand.attribute;
  const text = type === 'string' || type === 'reference';
  return text && !caseExact ? sql`lower(${operand.expr})` : operand.expr;
}

/**
 * The value to order resources by for `sortBy=path`. A multi-valued attribute sorts by its
 * primary value, else its first (`emails` means `emails.value`).
 */
export function compileSortKey(path: AttrPath, attributes: AttributeLookup): DirectoryResult<SQL> {
  const label = attributes.label;
  const resolved = attributes.resolve(path);
  if (!resolved) return invalid(`sortBy: unknown attribute "${label(path)}"`);
  const target = attributeTarget(attributes.resourceType, resolved);
  if (!target.ok) return invalid(`sortBy: ${target.error.detail}`);
  const t = target.value;
  if (t.kind === 'scalar') return ok(sortable(t.operand));
  const attribute = t.kind === 'complex' ? t.attribute : t.collection.attribute;
  const sub = resolved.subAttribute ?? attributes.subAttribute(attribute, 'value');
  if (!sub) return invalid(`sortBy: attribute "${label(path)}" is complex; name one of its sub-attributes`);
  const operand = t.kind === 'complex' ? t.sub(sub) : t.collection.element(sub);
  if (!operand.ok) return invalid(`sortBy: ${operand.error.detail}`);
  if (sub.type === 'complex') return invalid(`sortBy: attribute "${label(path)}" is complex`);
  if (t.kind === 'complex') return ok(sortable(operand.value));
  if (!t.collection.primaryValue) return invalid(`sortBy: resources cannot be sorted by "${label(path)}"`);
  return ok(t.collection.primaryValue(sortable(operand.value)));
}

/**
 * ORDER BY term for a sort key: resources without a value come last when ascending and first
 * when descending (RFC 7644 §3.4.2.3), which is the opposite of SQLite's default NULL order.
 */
export function orderBySortKey(key: SQL, order: 'ascending' | 'descending'): SQL {
  return order === 'descending' ? sql`${key} DESC NULLS FIRST` : sql`${key} ASC NULLS LAST`;
}
