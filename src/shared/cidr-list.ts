/**
 * A list of CIDR ranges (IPv4 and IPv6) that answers "is this TCP peer one of our proxies?".
 * Backed by node's built-in `net.BlockList`; parsing is pure and returns every bad entry at once,
 * so configuration can report them all.
 */
import { BlockList, isIP } from 'node:net';
import { fail, ok, type Result } from './result.js';

export interface CidrList {
  /** True when `address` (as reported by the socket) lies in one of the ranges. */
  contains(address: string | undefined): boolean;
  /** The ranges as given, for logging and diagnostics. */
  readonly entries: readonly string[];
}

/** One problem per unusable entry, e.g. `"10.0.0.0/33": prefix length must be 0–32`. */
export type CidrProblem = string;

/** Default: only loopback may set forwarded headers. */
export const LOOPBACK_CIDRS: readonly string[] = ['127.0.0.0/8', '::1/128'];

/** Parse `a.b.c.d/n`, `x::y/n`, or a bare address (a single host). */
export function parseCidrList(entries: readonly string[]): Result<CidrList, CidrProblem[]> {
  const list = new BlockList();
  const problems: CidrProblem[] = [];
  for (const entry of entries) {
    const problem = addEntry(list, entry.trim());
    if (problem) problems.push(`${JSON.stringify(entry)}: ${problem}`);
  }
  if (problems.length > 0) return fail(problems);
  return ok({ contains: (address) => matches(list, address), entries: [...entries] });
}

function addEntry(list: BlockList, entry: string): string | undefined {
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const version = isIP(address);
  if (version === 0) return 'not an IPv4 or IPv6 address';
  const max = version === 4 ? 32 : 128;
  let prefix = max;
  if (slash !== -1) {
    const text = entry.slice(slash + 1);
    if (!/^\d{1,3}$/.test(text) || Number(text) > max) return `prefix length must be 0–${max}`;
    prefix = Number(text);
  }
  list.addSubnet(address, prefix, version === 4 ? 'ipv4' : 'ipv6');
  return undefined;
}

function matches(list: BlockList, raw: string | undefined): boolean {
  if (!raw) return false;
  // Link-local peers carry a zone (`fe80::1%eth0`); the zone is not part of the address.
  const zone = raw.indexOf('%');
  const address = zone === -1 ? raw : raw.slice(0, zone);
  // Dual-stack sockets report IPv4 peers as `::ffff:127.0.0.1`; match them as IPv4 so that an
  // IPv4 range covers them whatever the listener's family.
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped?.[1] && isIP(mapped[1]) === 4) return list.check(mapped[1], 'ipv4');
  const version = isIP(address);
  if (version === 0) return false;
  return list.check(address, version === 4 ? 'ipv4' : 'ipv6');
}
