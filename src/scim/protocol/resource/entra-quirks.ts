/**
 * Input quirks of real provisioning clients (mostly Microsoft Entra ID), normalised before
 * validation so the rest of the code sees clean RFC 7643 values.
 */
import { isJsonObject } from './json.js';

/**
 * Entra sends booleans as the strings "True"/"False" (AzureAD/SCIMReferenceCode#21); accept
 * any case of "true"/"false". Returns undefined for anything that is not a boolean.
 */
export function coerceBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  return undefined;
}

/**
 * The enterprise `manager` arrives as `{value}`, as a bare id string (Entra's PATCH `Add` and
 * the SCIM Validator), as a one-element array `[{"$ref":…,"value":…}]`, or as `""` / `null` /
 * `{value:""}` meaning "no manager". Returns the `{value, $ref?}` shape, or null when cleared;
 * anything else is passed through for the type check to reject.
 */
export function preprocessManager(raw: unknown): unknown {
  let value = raw;
  if (Array.isArray(value)) {
    if (value.length === 0) return null;
    if (value.length === 1) value = value[0];
  }
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.trim() === '' ? null : { value };
  if (isJsonObject(value)) {
    const key = Object.keys(value).find((name) => name.toLowerCase() === 'value');
    const id = key === undefined ? undefined : value[key];
    if (id === undefined || id === null || id === '') return null;
  }
  return value;
}
