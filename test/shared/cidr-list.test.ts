import { describe, expect, it } from 'vitest';
import { LOOPBACK_CIDRS, parseCidrList, type CidrList } from '../../src/shared/cidr-list.js';

function list(entries: readonly string[]): CidrList {
  const result = parseCidrList(entries);
  if (!result.ok) throw new Error(result.error.join('; '));
  return result.value;
}

describe('trusted proxy CIDR list', () => {
  const loopback = list(LOOPBACK_CIDRS);

  it.each([
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true], // dual-stack socket reporting an IPv4 peer
    ['::FFFF:127.0.0.1', true],
    ['0:0:0:0:0:0:0:1', true],
    ['128.0.0.1', false],
    ['10.0.0.1', false],
    ['::2', false],
    ['::ffff:10.0.0.1', false],
    ['fe80::1%eth0', false],
    ['', false],
    ['localhost', false],
    ['not an ip', false],
    ['127.0.0.1.evil.com', false],
  ])('loopback default: %s → %s', (address, expected) => {
    expect(loopback.contains(address)).toBe(expected);
  });

  it('an undefined peer (unix socket, closed connection) is never trusted', () => {
    expect(loopback.contains(undefined)).toBe(false);
  });

  it('matches IPv4 and IPv6 subnets at their boundaries', () => {
    const l = list(['10.1.0.0/16', '192.168.1.7', 'fd00:ab::/32', 'fe80::/10']);
    expect(l.contains('10.1.0.0')).toBe(true);
    expect(l.contains('10.1.255.255')).toBe(true);
    expect(l.contains('10.2.0.0')).toBe(false);
    expect(l.contains('10.0.255.255')).toBe(false);
    expect(l.contains('192.168.1.7')).toBe(true);
    expect(l.contains('192.168.1.8')).toBe(false);
    expect(l.contains('::ffff:192.168.1.7')).toBe(true);
    expect(l.contains('fd00:ab:ffff::1')).toBe(true);
    expect(l.contains('fd00:ac::1')).toBe(false);
    expect(l.contains('fe80::1%eth0')).toBe(true); // zone stripped
  });

  it('an empty list trusts nobody; 0.0.0.0/0 trusts every IPv4 peer', () => {
    expect(list([]).contains('127.0.0.1')).toBe(false);
    const all4 = list(['0.0.0.0/0']);
    expect(all4.contains('203.0.113.9')).toBe(true);
    expect(all4.contains('2001:db8::1')).toBe(false);
  });

  it('reports every bad entry at once', () => {
    const result = parseCidrList(['10.0.0.0/33', 'nope', '::1/129', '10.0.0.0/8', '1.2.3.4/-1', '1.2.3.4/']);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toEqual([
      '"10.0.0.0/33": prefix length must be 0–32',
      '"nope": not an IPv4 or IPv6 address',
      '"::1/129": prefix length must be 0–128',
      '"1.2.3.4/-1": prefix length must be 0–32',
      '"1.2.3.4/": prefix length must be 0–32',
    ]);
  });
});
