/**
 * The search thread's side of off-thread searches (directory/sqlite/off-thread-search.ts): its own
 * connection to the database file, its own directory over it, and one list request at a time —
 * the page, its total and the page's relationships (a user's groups, a group's members) read in
 * one snapshot, exactly as the request thread reads them, by the same code.
 *
 * It only reads: its connection never joins a write group and never sees uncommitted rows (WAL
 * readers see the last commit), which is also all the request thread lets a list see.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { groupResourceType, userResourceType } from '../../scim/protocol/schemas/index.js';
import { openStore } from '../../store/index.js';
import { createDirectory } from './index.js';
import type { Relations, SearchReply, SearchRequest } from './off-thread-search.js';

const { file } = workerData as { file: string };
// Searches yield the CPU to the request thread: on a machine with few cores a heavy filter must
// not slow forward-auth decisions. Linux keeps nice values per thread, so pid 0 lowers only this
// thread; elsewhere it would lower the whole process, so there searches run as before.
if (process.platform === 'linux') {
  try {
    setPriority(0, 19);
  } catch {
    // Refused (a seccomp profile): the thread keeps the process's priority.
  }
}
// A search may read a whole table; its pages need not stay cached here as long as the request thread's.
const store = openStore(file, { migrate: false, cacheKib: 8192 });
const directory = createDirectory({ store });

function answer(request: SearchRequest): SearchReply {
  return directory.read((): SearchReply => {
    const page = request.resourceType === userResourceType.id ? directory.users.list(request.query) : directory.groups.list(request.query);
    if (!page.ok) return { id: request.id, ok: false, error: { status: page.error.status, scimType: page.error.scimType, code: page.error.code, detail: page.error.detail } };
    const ids = page.value.items.map((item) => item.id);
    let relations: Relations | undefined;
    if (request.withRelations) relations = request.resourceType === groupResourceType.id ? directory.reads.membersOf(ids) : directory.reads.groupsOf(ids);
    return { id: request.id, ok: true, page: page.value, relations };
  });
}

parentPort?.on('message', (message: SearchRequest | 'stop') => {
  if (message === 'stop') {
    store.close();
    parentPort?.close();
    return;
  }
  try {
    parentPort?.postMessage(answer(message));
  } catch (error) {
    parentPort?.postMessage({ id: message.id, ok: false, crash: error instanceof Error ? error.message : String(error) } satisfies SearchReply);
  }
});
