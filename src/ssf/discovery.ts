/**
 * Transmitter Configuration Metadata (SSF 1.0 §7.1), served at /.well-known/ssf-configuration, and
 * the JWKS at its jwks_uri. Both are public: receivers read them before they hold any token.
 */
import { POLL_METHOD, PUSH_METHOD } from './stream.js';
import type { DefaultSubjects } from './subscriber-source.js';

export const SSF_PATHS = {
  configuration: '/.well-known/ssf-configuration',
  jwks: '/ssf/jwks.json',
  stream: '/ssf/stream',
  status: '/ssf/status',
  addSubject: '/ssf/subjects/add',
  removeSubject: '/ssf/subjects/remove',
  verify: '/ssf/verify',
  poll: '/ssf/poll',
} as const;

export function transmitterMetadata(issuer: string, defaultSubjects: DefaultSubjects): Record<string, unknown> {
  const at = (path: string) => `${issuer}${path}`;
  return {
    spec_version: '1_0',
    issuer,
    jwks_uri: at(SSF_PATHS.jwks),
    delivery_methods_supported: [PUSH_METHOD, POLL_METHOD],
    configuration_endpoint: at(SSF_PATHS.stream),
    status_endpoint: at(SSF_PATHS.status),
    add_subject_endpoint: at(SSF_PATHS.addSubject),
    remove_subject_endpoint: at(SSF_PATHS.removeSubject),
    verification_endpoint: at(SSF_PATHS.verify),
    // RFC 6750 bearer tokens, issued by the operator (`scimgate ssf token create NAME`).
    authorization_schemes: [{ spec_urn: 'urn:ietf:rfc:6750' }],
    default_subjects: defaultSubjects,
  };
}

export function pollUrl(issuer: string, streamId: string): string {
  return `${issuer}${SSF_PATHS.poll}/${encodeURIComponent(streamId)}`;
}
