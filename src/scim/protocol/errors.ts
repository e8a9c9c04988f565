/**
 * SCIM protocol errors (RFC 7644 §3.12). Pure: parsers and evaluators return these inside a
 * Result; only the HTTP layer turns them into responses.
 */
import type { Result } from '../../shared/result.js';

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The scimType values RFC 7644 §3.12 and RFC 9865 §2.1 define, each with the status it travels with. */
export const SCIM_TYPE_STATUS = {
  invalidFilter: 400,
  tooMany: 400,
  uniqueness: 409,
  mutability: 400,
  invalidSyntax: 400,
  invalidPath: 400,
  noTarget: 400,
  invalidValue: 400,
  invalidVers: 400,
  sensitive: 400,
  // RFC 9865 §2.1 (cursor pagination).
  invalidCursor: 400,
  expiredCursor: 400,
  invalidCount: 400,
} as const;

export type ScimType = keyof typeof SCIM_TYPE_STATUS;

/**
 * Stable codes for tests, logs and metrics (the detail is for humans). An error with a scimType
 * has that as its code; the others name what went wrong in the same few words every time.
 */
export type ScimErrorCode =
  | ScimType
  | 'not-found'
  | 'no-endpoint'
  | 'precondition-failed'
  | 'payload-too-large'
  | 'body-not-received'
  | 'unsupported-media-type'
  | 'refused'
  | 'token-missing'
  | 'scheme-not-bearer'
  | 'token-empty'
  | 'token-invalid'
  | 'rate-limited';

export type ScimErrorInit = { status: number; detail: string } & (
  | { scimType: ScimType; code?: undefined }
  | { scimType?: undefined; code: ScimErrorCode }
);

/** One error type for the whole SCIM domain; `expose` mirrors panva's convention. */
export class ScimError extends Error {
  readonly status: number;
  readonly code: ScimErrorCode;
  readonly scimType: ScimType | undefined;
  readonly detail: string;

  constructor(init: ScimErrorInit) {
    super(init.detail);
    this.name = 'ScimError';
    this.status = init.status;
    this.code = init.scimType ?? init.code;
    this.scimType = init.scimType;
    this.detail = init.detail;
  }

  get expose(): boolean {
    return this.status < 500;
  }

  toJSON(): Record<string, unknown> {
    const body: Record<string, unknown> = {
      schemas: [SCIM_ERROR_SCHEMA],
      status: String(this.status),
      detail: this.detail,
    };
    if (this.scimType) body.scimType = this.scimType;
    return body;
  }
}

/** Build a ScimError whose status follows from its scimType. */
export function scimError(scimType: ScimType, detail: string): ScimError {
  return new ScimError({ status: SCIM_TYPE_STATUS[scimType], scimType, detail });
}

export const notFound = (detail: string): ScimError => new ScimError({ status: 404, detail, code: 'not-found' });
export const preconditionFailed = (detail: string): ScimError => new ScimError({ status: 412, detail, code: 'precondition-failed' });

/** What the SCIM domain's parsers and evaluators return. */
export type ScimResult<T> = Result<T, ScimError>;
