/**
 * The PATCH request body (RFC 7644 §3.5.2): `{schemas: [PatchOp URN], Operations: [{op, path?, value?}]}`
 * checked for shape and turned into typed operations with parsed paths. Semantics (does the
 * path exist, may it be written) are the engine's job in apply.ts.
 *
 * Leniency, on purpose: `op` and the member names are matched case-insensitively (Entra sends
 * "Replace"/"Add"/"Remove"; RFC 7643 §2.1 makes attribute names case-insensitive), and a missing
 * `schemas` is accepted — it carries no information, and refusing it only breaks clients. A
 * `schemas` that is present but does not name PatchOp is refused: that body is something else.
 */
import { patchOpFromEntra } from '../entra-quirks.js';
import { scimError, type ScimResult } from '../errors.js';
import { fail, ok } from '../../../shared/result.js';
import { getKey, isJsonObject, type JsonValue } from './json.js';
import { parsePatchPath, type PatchPath } from './path.js';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** More operations than this in one request are refused; Entra batches far fewer. */
export const MAX_PATCH_OPERATIONS = 1000;

export type PatchOpName = 'add' | 'replace' | 'remove';

export interface PatchOperation {
  op: PatchOpName;
  path?: PatchPath | undefined;
  value?: JsonValue | undefined;
}

const syntax = (detail: string): ScimResult<never> => fail(scimError('invalidSyntax', detail));

function parseOperation(raw: unknown, index: number): ScimResult<PatchOperation> {
  const where = `Operations[${index}]`;
  if (!isJsonObject(raw)) return syntax(`${where} must be an object`);
  const opText = getKey(raw, 'op');
  if (typeof opText !== 'string') return syntax(`${where}.op must be "add", "replace" or "remove"`);
  const op = patchOpFromEntra(opText);
  if (!op) return syntax(`${where}.op ${JSON.stringify(opText.slice(0, 50))} is not "add", "replace" or "remove"`);
  const operation: PatchOperation = { op };
  const pathText = getKey(raw, 'path');
  if (pathText !== undefined && pathText !== null) {
    if (typeof pathText !== 'string') return fail(scimError('invalidPath', `${where}.path must be a string`));
    const path = parsePatchPath(pathText);
    if (!path.ok) return fail(scimError('invalidPath', `${where}: ${path.error.detail}`));
    operation.path = path.value;
  }
  const value = getKey(raw, 'value');
  if (value !== undefined) operation.value = value;
  // RFC 7644 §3.5.2.2: remove without a path has no target.
  if (op === 'remove' && !operation.path) return fail(scimError('noTarget', `${where}: remove needs a path`));
  if (op !== 'remove' && value === undefined) return syntax(`${where}: ${op} needs a value`);
  if (op !== 'remove' && !operation.path && !isJsonObject(value)) {
    return syntax(`${where}: ${op} without a path needs an object value`);
  }
  return ok(operation);
}

/** Validate a PATCH body and parse its operations. Never throws. */
export function parsePatchRequest(body: unknown): ScimResult<PatchOperation[]> {
  if (!isJsonObject(body)) return syntax('PATCH body must be a JSON object');
  const schemas = getKey(body, 'schemas');
  if (schemas !== undefined) {
    const named = Array.isArray(schemas) && schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase());
    if (!named) return syntax(`schemas must contain "${PATCH_OP_SCHEMA}"`);
  }
  const operations = getKey(body, 'Operations');
  if (!Array.isArray(operations)) return syntax('Operations must be an array');
  if (operations.length === 0) return syntax('Operations must contain at least one operation');
  if (operations.length > MAX_PATCH_OPERATIONS) {
    return fail(scimError('invalidValue', `at most ${MAX_PATCH_OPERATIONS} operations per PATCH request; got ${operations.length}`));
  }
  const parsed: PatchOperation[] = [];
  for (const [index, raw] of operations.entries()) {
    const operation = parseOperation(raw, index);
    if (!operation.ok) return operation;
    parsed.push(operation.value);
  }
  return ok(parsed);
}
