import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { requestHeader, requestHeaders } from '../../src/http/request-header.js';

/** What the handler reads through requestHeader when node's rawHeaders are (or are not) present. */
async function read(name: string, rawHeaders: string[] | undefined): Promise<string | null> {
  const app = new Hono();
  app.get('/', (c) => c.json({ value: requestHeader(c, name) ?? null }));
  const pairs: [string, string][] = [];
  for (let i = 0; i < (rawHeaders ?? []).length; i += 2) pairs.push([rawHeaders![i]!, rawHeaders![i + 1]!]);
  const env = rawHeaders === undefined ? undefined : { incoming: { rawHeaders } };
  const response = await app.fetch(new Request('http://localhost/', { headers: pairs }), env);
  return ((await response.json()) as { value: string | null }).value;
}

const CASES: { name: string; raw: string[] }[] = [
  { name: 'authorization', raw: ['Authorization', 'Bearer abc'] },
  { name: 'authorization', raw: ['authorization', 'Bearer a', 'AUTHORIZATION', 'Bearer b'] },
  { name: 'cookie', raw: ['Cookie', 'a=1', 'cookie', 'b=2'] },
  { name: 'x-request-id', raw: ['X-Request-Id', ' \tpadded\t '] },
  { name: 'x-request-id', raw: ['Host', 'localhost'] },
  { name: 'if-none-match', raw: ['If-None-Match', '', 'If-None-Match', 'W/"1"'] },
];

describe('requestHeader answers as fetch Headers.get does (the node adapter builds those from rawHeaders)', () => {
  it.each(CASES)('$name from $raw', async ({ name, raw }) => {
    const expected = new Headers(raw.flatMap((_, i) => (i % 2 === 0 ? [[raw[i]!, raw[i + 1]!] as [string, string]] : []))).get(name);
    expect(await read(name, raw)).toBe(expected);
  });

  it('falls back to hono when there is no node request (app.request in tests)', async () => {
    const app = new Hono();
    app.get('/', (c) => c.text(requestHeader(c, 'x-request-id') ?? 'none'));
    expect(await (await app.request('/', { headers: { 'X-Request-Id': 'abc' } })).text()).toBe('abc');
  });
});

describe('requestHeaders reads several in one pass, each as requestHeader would', () => {
  const names = ['cookie', 'x-original-url', 'x-forwarded-host', 'authorization'] as const;
  const rawName = fc.constantFrom('Cookie', 'cookie', 'X-Original-URL', 'x-forwarded-host', 'X-Forwarded-Host', 'Authorization', 'Host', 'X-Other');
  const rawValue = fc.constantFrom('', 'a=1', ' b=2 ', 'https://app.example.com/x', 'v', '\tpadded');

  it('for any raw header list', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(rawName, rawValue), { maxLength: 8 }), async (pairs) => {
        const rawHeaders = pairs.flat();
        const app = new Hono();
        app.get('/', (c) => c.json({ many: requestHeaders(c, names).map((v) => v ?? null), one: names.map((n) => requestHeader(c, n) ?? null) }));
        const body = (await (await app.fetch(new Request('http://localhost/'), { incoming: { rawHeaders } })).json()) as { many: unknown[]; one: unknown[] };
        expect(body.many).toEqual(body.one);
      }),
      { numRuns: 300 },
    );
  });
});
