// One way to write (issue 12): a writer that does not use the store's unit of work is refused by
// `npm run lint` (scripts/lint-writes.mjs), which names the file and line of each raw write.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROGUE = 'test/scripts/fixtures/rogue-writer.ts';
const POLITE = 'test/scripts/fixtures/polite-writer.ts';

/** The 1-based lines of the rogue fixture marked `// refused`. */
const markedLines = readFileSync(ROGUE, 'utf8')
  .split('\n')
  .flatMap((line, i) => (line.endsWith('// refused') ? [i + 1] : []));

describe('lint: every write goes through the unit of work', () => {
  it('refuses a writer that does not use the unit of work, naming each file:line, and passes one that does', async () => {
    const failure = await run(process.execPath, ['scripts/lint-writes.mjs', ROGUE, POLITE, 'src/directory/sqlite/users.ts']).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    const refused = (failure?.stderr ?? '')
      .split('\n')
      .filter((line) => line.includes(':') && !line.startsWith('lint-writes:'))
      .map((line) => line.split('  ')[0]);
    expect(refused.map((where) => where?.replace(/:\d+$/, ''))).toEqual(markedLines.map((line) => `${ROGUE}:${line}`));
    expect(failure?.stderr).toContain('store.writes.write');
    expect(failure?.stderr).not.toContain(POLITE);
    expect(failure?.stderr).not.toContain('src/directory/sqlite/users.ts');
  }, 120_000);
});
