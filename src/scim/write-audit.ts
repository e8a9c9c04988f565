/**
 * Every stored SCIM write leaves an audit row (docs/audit.md) in the same transaction: who (the
 * bearer token's name), the request id, the resource and the operation. A refused write stored
 * nothing and leaves no row: its answer and the access log (with the same request id) tell it.
 */
import type { Context } from 'hono';
import { requestContextOf } from '../http/request-context.js';
import type { ScimAuthVariables } from './bearer-auth.js';
import type { ScimDeps } from './deps.js';
import type { Result } from '../shared/result.js';

export type ScimOperation = 'create' | 'replace' | 'patch' | 'delete';

export interface ScimWrite {
  resourceType: 'User' | 'Group';
  operation: ScimOperation;
  /** The resource's id; for a create, taken from the stored record. */
  id?: string;
}

/** Runs a directory write with its audit row, when the deps carry an audit log; as it is otherwise. */
export function auditedScimWrite<T, E>(deps: Pick<ScimDeps, 'audit'>, c: Context, write: ScimWrite, change: () => Result<T, E>): Result<T, E> {
  const audit = deps.audit;
  if (audit === undefined) return change();
  return audit.write(change, (result) => {
    if (!result.ok) return undefined;
    const id = write.id ?? idOf(result.value);
    if (id === undefined) return undefined;
    const token = c.get('scimToken') as ScimAuthVariables['scimToken'] | undefined;
    return {
      type: 'scim.write',
      ...(token ? { actor: token.name } : {}),
      ...(write.resourceType === 'User' ? { userId: id } : {}),
      requestId: requestContextOf(c).requestId,
      data: { resourceType: write.resourceType, resourceId: id, operation: write.operation },
    };
  });
}

function idOf(value: unknown): string | undefined {
  const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : undefined;
}
