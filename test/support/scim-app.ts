/** A complete scimgate app over a fresh in-memory database, plus a SCIM client bound to it. */
import { createApp } from '../../src/app.js';
import { createDirectory, type DirectoryDeps } from '../../src/directory/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { createTokenService } from '../../src/tokens/index.js';

/**
 * Response bodies in tests are whatever JSON the server sent; assertions check their shape, so
 * they are typed as loosely as JSON itself is (the one `any` we allow, and only in tests).
 */
// biome-ignore lint/suspicious/noExplicitAny: test bodies are arbitrary JSON
export type JsonBody = any;

export interface ScimResponse extends Response {
  json(): Promise<JsonBody>;
}

export interface TestScimApp {
  app: ReturnType<typeof createApp>;
  store: Store;
  directory: ReturnType<typeof createDirectory>;
  token: string;
  /** Send a SCIM request with the bearer token; `body` is JSON-encoded unless it is a string. */
  scim(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ScimResponse>;
  /** Every table's rows, for "bad input leaves the database unchanged" assertions. */
  snapshot(): Record<string, unknown[]>;
}

export function createTestScimApp(options: { store?: Store; directory?: Omit<DirectoryDeps, 'store'> } = {}): TestScimApp {
  const store = options.store ?? openStore(':memory:');
  const directory = createDirectory({ store, ...options.directory });
  const tokens = createTokenService(store);
  const { token } = tokens.create('test');
  const app = createApp({ directory, tokens });
  const scim = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    Promise.resolve(
      app.request(`http://scim.test/scim/v2${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json', ...headers },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
    ) as Promise<ScimResponse>;
  const snapshot = () => {
    const tables = ['users', 'groups', 'group_users', 'group_groups', 'group_closure', 'events'];
    // Membership tables are WITHOUT ROWID; every table's first two columns order it.
    return Object.fromEntries(tables.map((t) => [t, store.sqlite.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()]));
  };
  return { app, store, directory, token, scim, snapshot };
}
