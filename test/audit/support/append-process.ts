// One scimgate-like process appending audit rows as fast as it can: `node --import tsx
// append-process.ts DB NAME COUNT`. Each append is its own write (BEGIN IMMEDIATE), as a command
// or a late-body request would make it; two of these on one database contend for the write lock.
import { createSqliteAuditLog } from '../../../src/audit/index.js';
import { openStore } from '../../../src/store/index.js';

const [file, name, count] = process.argv.slice(2);
if (!file || !name || !count) throw new Error('usage: append-process.ts DB NAME COUNT');
const store = openStore(file, { migrate: false });
const log = createSqliteAuditLog(store);
for (let i = 0; i < Number(count); i++) store.writes.write(() => log.record({ type: 'test.append', actor: name, data: { i } }));
store.close();
