/** The media type every SCIM body travels as (RFC 7644 §3.1); requests may also send application/json. */
export const SCIM_MEDIA_TYPE = 'application/scim+json; charset=utf-8';
