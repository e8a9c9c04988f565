/**
 * The search thread's entry: its composition root, as main.ts is the server's. The directory's
 * off-thread search (src/directory/sqlite/off-thread-search.ts) starts a worker on this module;
 * it gives the thread what the directory does not own — SCIM's attribute lookups, which a query
 * cannot carry across postMessage — and serves searches on the database file it was given.
 */
import { workerData } from 'node:worker_threads';
import { serveSearches } from './directory/sqlite/search-thread.js';
import { attributeLookups } from './scim/protocol/schemas/lookup.js';

const { file } = workerData as { file: string };
serveSearches(file, attributeLookups);
