/** Shared fixtures for the PATCH tests: build operations from wire JSON, apply, unwrap. */
import { expect } from 'vitest';
import type { ScimType } from '../../../../src/scim/protocol/errors.js';
import { applyPatch, parsePatchRequest, type JsonObject, type PatchOperation } from '../../../../src/scim/protocol/patch/index.js';
import { groupResourceType, userResourceType, type ResourceTypeDef } from '../../../../src/scim/protocol/schemas/index.js';

export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export function ops(...operations: unknown[]): PatchOperation[] {
  const parsed = parsePatchRequest({ schemas: [PATCH_OP], Operations: operations });
  if (!parsed.ok) throw new Error(`fixture does not parse: ${parsed.error.detail}`);
  return parsed.value;
}

export function user(extra: JsonObject = {}): JsonObject {
  return {
    schemas: [USER],
    id: 'u1',
    userName: 'alice@example.com',
    active: true,
    meta: { resourceType: 'User', version: 'W/"1"' },
    ...extra,
  };
}

export function patched(doc: JsonObject, operations: unknown[], resourceType: ResourceTypeDef = userResourceType): JsonObject {
  const result = applyPatch(doc, ops(...operations), resourceType);
  if (!result.ok) throw new Error(`patch failed: ${result.error.scimType} ${result.error.detail}`);
  return result.value;
}

export function patchError(doc: JsonObject, operations: unknown[], scimType: ScimType, resourceType: ResourceTypeDef = userResourceType): string {
  const before = structuredClone(doc);
  const result = applyPatch(doc, ops(...operations), resourceType);
  expect(result.ok).toBe(false);
  expect(doc).toEqual(before);
  if (result.ok) return '';
  expect(result.error.scimType).toBe(scimType);
  return result.error.detail;
}

export { groupResourceType, userResourceType };
