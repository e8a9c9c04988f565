import { describe, expect, it } from 'vitest';
import { parseAllowedDomain } from '../../src/shared/allowed-domain.js';

describe('allow-list entries', () => {
  it.each([
    ['example.com', { host: 'example.com', suffix: false, port: '' }],
    ['.Example.COM', { host: 'example.com', suffix: true, port: '' }],
    ['example.com:8443', { host: 'example.com', suffix: false, port: '8443' }],
    ['example.com:443', { host: 'example.com', suffix: false, port: '' }],
    ['bücher.example', { host: 'xn--bcher-kva.example', suffix: false, port: '' }],
    ['[::1]', { host: '[::1]', suffix: false, port: '' }],
  ])('parses %s', (entry, rule) => {
    expect(parseAllowedDomain(entry)).toEqual(rule);
  });

  it.each(['', '.', '*.example.com', 'https://example.com', 'example.com/path', 'user@example.com', 'exa mple.com', '.127.0.0.1', 'example.com:99999', 'a\\b'])(
    'rejects %j',
    (entry) => {
      expect(parseAllowedDomain(entry)).toBeUndefined();
    },
  );
});
