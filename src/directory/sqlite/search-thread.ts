/**
 * The search thread's side of off-thread searches (directory/sqlite/off-thread-search.ts): its own
 * connection to the database file, its own directory over it, and one list request at a time —
 * the page, its total and the page's relationships (a user's groups, a group's members) read in
 * one snapshot, exactly as the request thread reads them, by the same code. A query arrives as
 * data with its resource type's name; the thread resolves its attribute names with the lookup
 * its entry gave it for that type (src/search-thread.ts: the thread's composition root).
 *
 * It only reads: its connection never joins a write group and never sees uncommitted rows (WAL
 * readers see the last commit), which is also all the request thread lets a list see.
 */
import { parentPort } from 'node:worker_threads';
import type { AttributeLookup } from '../../persistence/directory.js';
import type { ResourceTypeName } from '../../scim/protocol/schemas/index.js';
import { openStore } from '../../store/index.js';
import { createDirectory } from './index.js';
import { yieldCpuToOtherThreads } from './thread-priority.js';
import type { Relations, SearchReply, SearchRequest } from './off-thread-search.js';

/** Answers the list requests posted to this thread until told to stop. */
export function serveSearches(file: string, attributes: Readonly<Record<ResourceTypeName, AttributeLookup>>): void {
  const port = parentPort;
  if (!port) throw new Error('serveSearches runs on a worker thread');
  // Searches yield the CPU to the request thread: on a machine with few cores a heavy filter must
  // not slow forward-auth decisions (./thread-priority.ts says how, and why nice alone is not enough).
  yieldCpuToOtherThreads();
  // A search may read a whole table; its pages need not stay cached here as long as the request thread's.
  const store = openStore(file, { migrate: false, cacheKib: 8192 });
  const directory = createDirectory({ store });

  const answer = (request: SearchRequest): SearchReply =>
    directory.read((): SearchReply => {
      const query = { ...request.query, attributes: attributes[request.resourceType] };
      const page = request.resourceType === 'User' ? directory.users.list(query) : directory.groups.list(query);
      if (!page.ok) return { id: request.id, ok: false, error: page.error };
      const ids = page.value.items.map((item) => item.id);
      let relations: Relations | undefined;
      if (request.withRelations) relations = request.resourceType === 'Group' ? directory.reads.membersOf(ids) : directory.reads.groupsOf(ids);
      return { id: request.id, ok: true, page: page.value, relations };
    });

  port.on('message', (message: SearchRequest | 'stop') => {
    if (message === 'stop') {
      store.close();
      port.close();
      return;
    }
    try {
      port.postMessage(answer(message));
    } catch (error) {
      port.postMessage({ id: message.id, ok: false, crash: error instanceof Error ? error.message : String(error) } satisfies SearchReply);
    }
  });
}
