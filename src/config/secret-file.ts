/**
 * Reading secrets from files at load time (`clientSecretFile`, `privateKeyJwt.keyFile`,
 * `scim.tokenFile`, `NAME_FILE` variables): trimmed, never empty, and with an error that says
 * which key named the file and why it could not be read — never the file's contents.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { fail, ok, type Result } from '../shared/result.js';
import type { ConfigProblem } from './problems.js';

export function readSecretFile(path: string, key: string): Result<string, ConfigProblem> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (cause) {
    return fail({ path: key, message: `cannot read ${JSON.stringify(path)}: ${describeFsError(cause)}` });
  }
  if (text === '') return fail({ path: key, message: `${JSON.stringify(path)} is empty` });
  return ok(text);
}

/** For files read later (rotating tokens): check now that they are readable, keep the path. */
export function checkReadable(path: string, key: string): Result<string, ConfigProblem> {
  try {
    accessSync(path, constants.R_OK);
    return ok(path);
  } catch (cause) {
    return fail({ path: key, message: `cannot read ${JSON.stringify(path)}: ${describeFsError(cause)}` });
  }
}

export function describeFsError(cause: unknown): string {
  const code = cause instanceof Error && 'code' in cause ? String(cause.code) : '';
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return code || 'unreadable';
  }
}
