import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { serverKey } from '../../src/store/server-keys.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('server keys', () => {
  it('survive a restart: the second start reads the key the first one made', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scimgate-keys-'));
    dirs.push(dir);
    const path = join(dir, 'db.sqlite');
    const first = openStore(path);
    const key = serverKey(first, 'pending-login', 32);
    first.close();
    const second = openStore(path);
    expect(serverKey(second, 'pending-login', 32).equals(key)).toBe(true);
    second.close();
  });

  it('are random, 32 bytes, and distinct per name', () => {
    const store = openStore(':memory:');
    const a = serverKey(store, 'a', 32);
    const b = serverKey(store, 'b', 32);
    expect(a.byteLength).toBe(32);
    expect(a.equals(b)).toBe(false);
  });
});
