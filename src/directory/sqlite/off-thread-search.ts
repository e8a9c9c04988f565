/**
 * Searches that may be slow run on their own thread, so they cannot stall the server.
 *
 * The server answers every request on one thread, and a SQLite statement cannot be interrupted
 * from JavaScript (better-sqlite3 has no progress handler or interrupt). A filter that SQLite
 * must test against every user — within the filter bounds (filter-sql/budget.ts) that is still
 * up to seconds on a large tenant — would hold every forward-auth decision and /healthz behind
 * it. So such searches (directory/sqlite/search-cost.ts says which) go to one search thread with its own
 * connection to the database file (WAL lets it read beside the writer), while indexed lookups —
 * Entra's `userName eq`, which must stay as fast as they are — run inline as before.
 *
 * What really happens under abuse: the thread runs one search at a time, each to its end (it
 * cannot be interrupted either); searches wait in a bounded queue, here on the request thread, and
 * are handed over one by one; beyond it the request gets a 503 with Retry-After at once
 * (SearchBusy), rather than a place in an ever longer line. A waiting search whose client went
 * away (closed its connection, or was cut off by the request timeout) leaves the queue unrun: a
 * client that fires heavy searches and disconnects cannot keep the thread busy after it is gone.
 * The request thread meanwhile goes on answering everything else. If the thread dies, its waiting
 * searches get the same 503 and the next search starts a new thread.
 *
 * A query crosses to the thread as data: its filter and sortBy, and the name of its resource
 * type. Its attribute lookup holds functions, which cannot be posted, so the thread puts back its
 * own lookup for that type (given to it by its entry, src/search-thread.ts).
 */
import { Worker } from 'node:worker_threads';
import type { DirectoryError, DirectoryResult, MemberRecord, OffThreadPage, Page, SearchPaging, SearchQuery, UserGroupRecord } from '../../persistence/directory.js';
import type { Filter } from '../../scim/protocol/filter/ast.js';
import type { AttrPath, ResourceTypeName } from '../../scim/protocol/schemas/index.js';
import { fail, ok } from '../../shared/result.js';
import { threadEntryScript } from '../../shared/thread-entry.js';
import { runsInline } from './search-cost.js';

/** A list's relationships, read in the page's snapshot: a user's groups, or a group's members, by resource id. */
export type Relations = Map<string, UserGroupRecord[]> | Map<string, MemberRecord[]>;

/** A query as it crosses to the thread: its data, without the attribute lookup. */
export type PostedQuery = SearchPaging & { filter?: Filter | undefined; sortBy?: AttrPath | undefined };

export interface SearchRequest {
  id: number;
  /** Whose table, and whose attribute lookup the thread resolves the query's names with. */
  resourceType: ResourceTypeName;
  query: PostedQuery;
  withRelations: boolean;
}

export type SearchReply =
  | { id: number; ok: true; page: Page<unknown>; relations: Relations | undefined }
  | { id: number; ok: false; error: DirectoryError }
  | { id: number; ok: false; crash: string };

/** Too many searches are waiting for the search thread, or it failed: retry later. */
export class SearchBusy extends Error {
  readonly code = 'search_busy';
  constructor(detail: string) {
    super(detail);
    this.name = 'SearchBusy';
  }
}

export interface OffThreadSearch {
  /** `abandoned`: the client went away; if the search is still waiting then, it is dropped unrun (SearchBusy). */
  run(request: Omit<SearchRequest, 'id'>, abandoned?: AbortSignal): Promise<SearchReply>;
  /** Searches sent and not yet answered, the running one included (for tests and the log). */
  pending(): number;
  stop(): Promise<void>;
}

export interface OffThreadSearchOptions {
  /**
   * The thread's entry module: the composition root that gives the thread its attribute lookups
   * (src/search-thread.ts). A `.ts` entry (tests, from source) is loaded through tsx.
   */
  entry: URL;
  /** Searches that may wait for the thread besides the one it runs; more get SearchBusy. */
  maxQueued?: number;
  onFailure?: (reason: string) => void;
}

export const DEFAULT_MAX_QUEUED_SEARCHES = 8;

interface Search {
  request: SearchRequest;
  resolve: (reply: SearchReply) => void;
  reject: (error: Error) => void;
  /** Stops listening for the client going away. */
  settle: () => void;
}

export function startOffThreadSearch(file: string, options: OffThreadSearchOptions): OffThreadSearch {
  const maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED_SEARCHES;
  /** Handed to the thread, not yet answered: at most one, so a waiting search can still be dropped. */
  let running: Search | undefined;
  const waiting: Search[] = [];
  let nextId = 1;
  let worker: Worker | undefined;
  let stopped = false;

  const failAll = (reason: string) => {
    const all = running ? [running, ...waiting] : [...waiting];
    running = undefined;
    waiting.length = 0;
    for (const search of all) {
      search.settle();
      search.reject(new SearchBusy(`the search thread failed (${reason}); retry`));
    }
  };

  /** Hands the next waiting search to the thread when it has none. */
  const pump = () => {
    if (running || stopped) return;
    const next = waiting.shift();
    if (!next) {
      worker?.unref();
      return;
    }
    worker ??= start();
    running = next;
    // Held while a search is out, so a process with nothing else to do still gets its answers.
    worker.ref();
    worker.postMessage(next.request);
  };

  const start = (): Worker => {
    const w = new Worker(threadEntryScript(options.entry), { eval: true, workerData: { file } });
    w.unref();
    w.on('message', (reply: SearchReply) => {
      const search = running;
      if (search?.request.id !== reply.id) return;
      running = undefined;
      search.settle();
      search.resolve(reply);
      pump();
    });
    const gone = (reason: string) => {
      if (worker !== w) return;
      worker = undefined;
      if (!stopped) options.onFailure?.(reason);
      failAll(reason);
    };
    w.on('error', (error) => gone(error instanceof Error ? error.message : String(error)));
    w.on('exit', (code) => gone(`exited with code ${code}`));
    return w;
  };

  return {
    run(request, abandoned) {
      if (stopped) return Promise.reject(new SearchBusy('the server is shutting down'));
      if (abandoned?.aborted) return Promise.reject(new SearchBusy('the client went away before its search started'));
      const queued = waiting.length + (running ? 1 : 0);
      if (queued > maxQueued) return Promise.reject(new SearchBusy(`${queued} searches are already waiting; retry`));
      return new Promise<SearchReply>((resolve, reject) => {
        const search: Search = { request: { ...request, id: nextId++ }, resolve, reject, settle: () => {} };
        if (abandoned) {
          const drop = () => {
            const at = waiting.indexOf(search);
            if (at < 0) return; // running already: it cannot be interrupted, and its answer may be remembered
            waiting.splice(at, 1);
            reject(new SearchBusy('the client went away before its search started'));
          };
          abandoned.addEventListener('abort', drop, { once: true });
          search.settle = () => abandoned.removeEventListener('abort', drop);
        }
        waiting.push(search);
        pump();
      });
    },
    pending: () => waiting.length + (running ? 1 : 0),
    async stop() {
      stopped = true;
      const w = worker;
      worker = undefined;
      failAll('the server is shutting down');
      if (!w) return;
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.ref();
      w.postMessage('stop');
      await exited;
    },
  };
}

/**
 * A list request on the search thread — or undefined when it should run on the request thread:
 * there is no search thread (an in-memory database), or it is an indexed lookup.
 */
export function listOffThread<R, X extends Relations>(
  search: OffThreadSearch | undefined,
  resourceType: ResourceTypeName,
  query: SearchQuery,
  withRelations: boolean,
  /** Asked only for a search that goes to the thread: inline lookups (Entra's `userName eq`) pay nothing for it. */
  abandoned?: () => AbortSignal | undefined,
): Promise<DirectoryResult<OffThreadPage<R, X>>> | undefined {
  if (search === undefined || runsInline(query, resourceType)) return undefined;
  if (query.attributes !== undefined && query.attributes.resourceType !== resourceType) {
    throw new Error(`a search of ${query.attributes.resourceType} attributes asked of the ${resourceType} table`);
  }
  const { attributes: _lookup, ...posted } = query;
  return search.run({ resourceType, query: posted, withRelations }, abandoned?.()).then((reply): DirectoryResult<OffThreadPage<R, X>> => {
    if (reply.ok) return ok({ page: reply.page as Page<R>, relations: reply.relations as X | undefined });
    // A failure of the thread itself is a bug, answered as any unexpected error is.
    if ('crash' in reply) throw new Error(`search thread: ${reply.crash}`);
    return fail(reply.error);
  });
}
