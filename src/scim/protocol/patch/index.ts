/** SCIM PATCH (RFC 7644 §3.5.2): request parsing, paths, the engine, and the Group membership split. */
export { applyPatch } from './apply.js';
export { splitGroupPatch, type GroupPatchPlan, type MemberChange, type MemberInput } from './group-split.js';
export { isJsonObject, jsonEqual, type JsonObject, type JsonPrimitive, type JsonValue } from './json.js';
export { MAX_PATH_LENGTH, parsePatchPath, printPatchPath, type PatchPath } from './path.js';
export { MAX_PATCH_OPERATIONS, PATCH_OP_SCHEMA, parsePatchRequest, type PatchOpName, type PatchOperation } from './request.js';
