/**
 * What the transmitter records in the audit log (src/persistence/audit.ts), each entry inside the
 * write of the change it records: streams created, updated (configuration or status) and deleted
 * by a receiver, and receiver tokens issued or revoked by the operator.
 */
import type { AuditLog } from '../persistence/audit.js';
import type { Store } from '../store/index.js';
import type { TokenService } from '../tokens/index.js';
import type { StreamChange } from './routes.js';

export function streamChangeRecorder(audit: AuditLog) {
  return (change: StreamChange, receiver: string, streamId: string, data: Record<string, unknown>) =>
    audit.record({ type: change, actor: `ssf:${receiver}`, data: { stream_id: streamId, ...data } });
}

/** The token service, with each issue and revocation recorded in the same write. */
export function auditedTokens(tokens: TokenService, store: Pick<Store, 'writes'>, audit: AuditLog, actor = 'operator'): TokenService {
  return {
    ...tokens,
    create(name) {
      return store.writes.write(() => {
        const issued = tokens.create(name);
        audit.record({ type: 'ssf_token.created', actor, data: { name, id: issued.record.id } });
        return issued;
      });
    },
    revoke(nameOrId) {
      return store.writes.write(() => {
        const revoked = tokens.revoke(nameOrId);
        if (revoked) audit.record({ type: 'ssf_token.revoked', actor, data: { name: nameOrId } });
        return revoked;
      });
    },
  };
}
