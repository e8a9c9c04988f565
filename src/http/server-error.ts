/** The body of every 500 outside SCIM: OAuth-style, and saying nothing about the cause. */
export const SERVER_ERROR_BODY = { error: 'server_error', error_description: 'internal server error' } as const;
