/**
 * Result: how a pure parser or evaluator says "this, or why not" without throwing. Shared by every
 * layer (SCIM protocol, directory, config, access), so it lives in the leaf that imports nothing.
 * Only the HTTP side turns a failure into a response.
 */

export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const fail = <E>(error: E): Result<never, E> => ({ ok: false, error });
