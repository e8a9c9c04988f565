// Two processes on one database appending at once: every row lands, numbered without gaps, and
// the chain verifies — the tail is read under the write lock, so neither links to a stale tail.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditReader, createChainVerifier } from '../../src/audit/index.js';
import { openStore } from '../../src/store/index.js';

const exec = promisify(execFile);
const APPEND = resolve(import.meta.dirname, 'support/append-process.ts');
const PER_PROCESS = 300;

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scimgate-audit-2p-'));
  file = join(dir, 'db.sqlite');
  openStore(file).close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('audit log: two processes on one database', () => {
  it(`${PER_PROCESS} appends from each of two processes at once: ${2 * PER_PROCESS} rows, one unbroken chain`, async () => {
    const run = (name: string) => exec(process.execPath, ['--import', 'tsx', APPEND, file, name, String(PER_PROCESS)]);
    await Promise.all([run('a'), run('b')]);
    const store = openStore(file, { migrate: false });
    try {
      const rows = [...createAuditReader(store.sqlite).rows()];
      expect(rows).toHaveLength(2 * PER_PROCESS);
      // Each process's own rows in its own order.
      for (const name of ['a', 'b']) expect(rows.filter((r) => r.actor === name).map((r) => JSON.parse(r.data ?? '{}').i)).toEqual([...Array(PER_PROCESS).keys()]);
      const verifier = createChainVerifier();
      for (const row of rows) verifier.add(row);
      expect(verifier.finish()).toMatchObject({ rows: 2 * PER_PROCESS, head: { seq: 2 * PER_PROCESS } });
      expect(verifier.finish().problem).toBeUndefined();
    } finally {
      store.close();
    }
  });
});
