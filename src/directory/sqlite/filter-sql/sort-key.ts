/**
 * sortBy (RFC 7644 §3.4.2.3) as an ORDER BY expression on the users or groups table.
 *
 * An unknown or unsortable attribute is an invalidValue error rather than silently falling back
 * to the default order, which the RFC also allows: a client paging through "sorted" results
 * that are not sorted gets a wrong picture without noticing, while a 400 names its typo.
 */
import { sql, type SQL } from 'drizzle-orm';
import { scimError, type ScimResult } from '../../../scim/protocol/errors.js';
import { fail, ok } from '../../../shared/result.js';
import { printAttrPath as label } from '../../../scim/protocol/filter/print.js';
import { findAttribute, resolveAttribute, type AttrPath, type ResourceTypeDef } from '../../../scim/protocol/schemas/index.js';
import { attributeTarget, type Operand } from '../attribute-columns.js';

const invalid = (detail: string): ScimResult<never> => fail(scimError('invalidValue', detail));


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
export function compileSortKey(path: AttrPath, resourceType: ResourceTypeDef): ScimResult<SQL> {
  const resolved = resolveAttribute(resourceType, path);
  if (!resolved) return invalid(`sortBy: unknown attribute "${label(path)}"`);
  const target = attributeTarget(resourceType, resolved);
  if (!target.ok) return invalid(`sortBy: ${target.error.detail}`);
  const t = target.value;
  if (t.kind === 'scalar') return ok(sortable(t.operand));
  const attribute = t.kind === 'complex' ? t.attribute : t.collection.attribute;
  const sub = resolved.subAttribute ?? findAttribute(attribute.subAttributes ?? [], 'value');
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
