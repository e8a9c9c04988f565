// The YAML examples in README.md and docs/policy.md are real: every `routes:` example loads
// through the config loader scimgate boots with (policies compiled, every key checked), and every
// policy-test example parses as `scimgate policy test` reads it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parsePolicyTests } from '../../src/access/index.js';
import { formatProblem, loadConfig } from '../../src/config/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'scimgate-docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function yamlBlocks(file: string): { line: number; text: string }[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const blocks: { line: number; text: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```yaml') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]?.trim() !== '```') end++;
    blocks.push({ line: start + 1, text: lines.slice(start, end).join('\n') });
    i = end;
  }
  return blocks;
}

const examples = ['README.md', 'docs/policy.md'].flatMap((file) => yamlBlocks(file).map((block) => ({ ...block, file, value: parse(block.text) as Record<string, unknown> })));
const routeExamples = examples.filter((e) => e.value && 'routes' in e.value);
const testExamples = examples.filter((e) => e.value && 'cases' in e.value);

describe('documentation examples', () => {
  it('finds the examples (README: an attribute-based and a nested-group policy; docs/policy.md: several)', () => {
    expect(routeExamples.filter((e) => e.file === 'README.md' && JSON.stringify(e.value).includes('"policy"')).length).toBeGreaterThanOrEqual(2);
    expect(routeExamples.filter((e) => e.file === 'docs/policy.md').length).toBeGreaterThanOrEqual(5);
    expect(testExamples.length).toBeGreaterThanOrEqual(1);
  });

  it.each(routeExamples.map((e) => [`${e.file}:${e.line}`, e] as const))('%s loads through the config loader', (_where, example) => {
    // Only the routes: other sections of a full example point at files and providers that do not exist here.
    const file = join(dir, `example-${example.line}.yaml`);
    writeFileSync(file, stringify({ routes: example.value.routes }));
    const loaded = loadConfig({ file, env: {} });
    expect(loaded.ok ? [] : loaded.error.problems.map(formatProblem)).toEqual([]);
  });

  it.each(testExamples.map((e) => [`${e.file}:${e.line}`, e] as const))('%s parses as a policy test file', (_where, example) => {
    const parsed = parsePolicyTests(example.text);
    expect(parsed.ok ? [] : parsed.error).toEqual([]);
  });
});
