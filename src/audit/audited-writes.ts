/**
 * AuditedWrites over the store's unit of work: the change and its audit row in one write, so a
 * SCIM change is never stored without its row, nor the row without the change.
 */
import type { AuditedWrites, AuditLog } from '../persistence/audit.js';
import type { UnitOfWork } from '../store/index.js';

export function createAuditedWrites(writes: Pick<UnitOfWork, 'write'>, log: AuditLog): AuditedWrites {
  return {
    write(change, entryOf) {
      return writes.write(() => {
        const result = change();
        const entry = entryOf(result);
        if (entry !== undefined) log.record(entry);
        return result;
      });
    },
  };
}
