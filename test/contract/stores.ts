/**
 * What a contract suite is given: a fresh, empty set of stores (directory, sessions, tokens) on
 * one database, as an implementation wires them for the server — the directory's writes calling
 * `listeners` inside their own transaction, the session store logging sign-outs in the directory's
 * change log. A PostgreSQL implementation runs the same suites with its own factory.
 */
import type { ChangeListener, Directory, Outbox, SessionStore, TokenStore } from '../../src/persistence/index.js';

export interface Stores {
  directory: Directory;
  sessions: SessionStore;
  tokens: TokenStore;
  outbox: Outbox;
  /** Runs `change` as one write of the implementation's unit of work (what the outbox appends ride in). */
  write<T>(change: () => T): T;
  close(): void;
}

export interface StoreOptions {
  /** Run inside each directory write, after the implementation's own. */
  listeners?: readonly ChangeListener[];
  now?: () => Date;
}

export type OpenStores = (options?: StoreOptions) => Stores;

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const user = (userName: string, extra: Record<string, unknown> = {}) => ({ schemas: [USER_SCHEMA], userName, active: true, ...extra });
export const group = (displayName: string) => ({ schemas: [GROUP_SCHEMA], displayName });
