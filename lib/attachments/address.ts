import { isIPv4, isIPv6 } from 'node:net';

/**
 * What an IP address is, for deciding whether a download may connect to it.
 * Only `public` addresses are reachable by default; `loopback` only when a
 * test or the local stack allows it.
 *
 * - `unspecified`: `0.0.0.0/8` ("this network"), `::`.
 * - `loopback`: `127.0.0.0/8`, `::1`.
 * - `private`: `10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16`, and IPv6 site-local `fec0::/10`.
 * - `link-local`: `169.254.0.0/16` (cloud metadata endpoints live there), `fe80::/10`.
 * - `unique-local`: `fc00::/7`.
 * - `cgnat`: `100.64.0.0/10`.
 * - `multicast`: `224.0.0.0/4`, `ff00::/8`.
 * - `reserved`: everything else that is not globally routable unicast: IETF
 *   protocol assignments, documentation and benchmarking ranges, `240.0.0.0/4`
 *   and the broadcast address, IPv4-compatible IPv6 (`::/96`), the IPv6 discard
 *   prefix, `2001::/23` (Teredo among them), and IPv6 outside `2000::/3`.
 * - `invalid`: not an IP address.
 *
 * IPv6 that embeds an IPv4 address (IPv4-mapped `::ffff:0:0/96`, NAT64
 * `64:ff9b::/96`, 6to4 `2002::/16`) is classified as the IPv4 address it embeds:
 * `::ffff:127.0.0.1` is `loopback`.
 */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unique-local'
  | 'cgnat'
  | 'multicast'
  | 'reserved'
  | 'invalid';

type Range = readonly [prefix: bigint, length: number, kind: Exclude<AddressClass, 'public' | 'invalid'>];

const IPV4_RANGES: readonly Range[] = [
  [ipv4('0.0.0.0'), 8, 'unspecified'],
  [ipv4('10.0.0.0'), 8, 'private'],
  [ipv4('100.64.0.0'), 10, 'cgnat'],
  [ipv4('127.0.0.0'), 8, 'loopback'],
  [ipv4('169.254.0.0'), 16, 'link-local'],
  [ipv4('172.16.0.0'), 12, 'private'],
  [ipv4('192.0.0.0'), 24, 'reserved'],
  [ipv4('192.0.2.0'), 24, 'reserved'],
  [ipv4('192.88.99.0'), 24, 'reserved'],
  [ipv4('192.168.0.0'), 16, 'private'],
  [ipv4('198.18.0.0'), 15, 'reserved'],
  [ipv4('198.51.100.0'), 24, 'reserved'],
  [ipv4('203.0.113.0'), 24, 'reserved'],
  [ipv4('224.0.0.0'), 4, 'multicast'],
  [ipv4('240.0.0.0'), 4, 'reserved'],
];

// Checked in order: the embedding prefixes are handled before these.
const IPV6_RANGES: readonly Range[] = [
  [ipv6('::'), 128, 'unspecified'],
  [ipv6('::1'), 128, 'loopback'],
  [ipv6('::'), 96, 'reserved'],
  [ipv6('64:ff9b:1::'), 48, 'reserved'],
  [ipv6('100::'), 64, 'reserved'],
  [ipv6('2001::'), 23, 'reserved'],
  [ipv6('2001:db8::'), 32, 'reserved'],
  [ipv6('3fff::'), 20, 'reserved'],
  [ipv6('fc00::'), 7, 'unique-local'],
  [ipv6('fe80::'), 10, 'link-local'],
  [ipv6('fec0::'), 10, 'private'],
  [ipv6('ff00::'), 8, 'multicast'],
];

const IPV4_MAPPED = ipv6('::ffff:0:0');
const NAT64 = ipv6('64:ff9b::');
const SIX_TO_FOUR = ipv6('2002::');
const GLOBAL_UNICAST = ipv6('2000::');
const IPV4_MASK = 0xffff_ffffn;

/** Classifies an IPv4 or IPv6 address (IPv6 without brackets; a `%zone` is ignored). */
export function classifyAddress(address: string): AddressClass {
  if (isIPv4(address)) return classifyIPv4(ipv4(address));
  const bare = address.split('%', 1)[0] ?? '';
  if (!isIPv6(bare)) return 'invalid';
  const value = ipv6(bare);
  if (inRange(value, IPV4_MAPPED, 96) || inRange(value, NAT64, 96)) {
    return classifyIPv4(value & IPV4_MASK);
  }
  if (inRange(value, SIX_TO_FOUR, 16)) {
    return classifyIPv4((value >> 80n) & IPV4_MASK);
  }
  for (const [prefix, length, kind] of IPV6_RANGES) {
    if (inRange(value, prefix, length)) return kind;
  }
  return inRange(value, GLOBAL_UNICAST, 3) ? 'public' : 'reserved';
}

/** Whether two IP addresses are the same address, whatever their spelling (`::1` and `0:0::1`). */
export function sameAddress(a: string, b: string): boolean {
  if (isIPv4(a) && isIPv4(b)) return ipv4(a) === ipv4(b);
  const bareA = a.split('%', 1)[0] ?? '';
  const bareB = b.split('%', 1)[0] ?? '';
  return isIPv6(bareA) && isIPv6(bareB) && ipv6(bareA) === ipv6(bareB);
}

function classifyIPv4(value: bigint): AddressClass {
  for (const [prefix, length, kind] of IPV4_RANGES) {
    if (inRange(value, prefix, length, 32)) return kind;
  }
  return 'public';
}

function inRange(value: bigint, prefix: bigint, length: number, bits = 128): boolean {
  const shift = BigInt(bits - length);
  return value >> shift === prefix >> shift;
}

/** A dotted-quad IPv4 address as a number (the caller has checked it with `isIPv4`). */
function ipv4(address: string): bigint {
  return address.split('.').reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n);
}

/** An IPv6 address as a 128-bit number (the caller has checked it with `isIPv6`). */
function ipv6(address: string): bigint {
  const [head = '', tail] = address.split('::', 2) as [string, string | undefined];
  const groups = (part: string): bigint[] => {
    if (part === '') return [];
    return part.split(':').flatMap((group) => {
      if (!group.includes('.')) return [BigInt(Number.parseInt(group, 16))];
      const value = ipv4(group);
      return [value >> 16n, value & 0xffffn];
    });
  };
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<bigint>(8 - left.length - right.length).fill(0n), ...right];
  return all.reduce((value, group) => (value << 16n) | group, 0n);
}
