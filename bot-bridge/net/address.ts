// Which IP addresses the bridge may connect to when a caller chose the URL: public unicast only.
// Refused: loopback, private, link-local, unique-local, carrier-grade NAT, multicast, broadcast,
// unspecified, documentation/benchmark/reserved ranges and the cloud metadata addresses, for IPv4,
// IPv6 and every IPv6 form that carries an IPv4 address (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d,
// NAT64 64:ff9b::/96, 6to4 2002::/16), whose embedded address is judged as IPv4.
// Decimal, octal and hex IPv4 spellings in a URL (2130706433, 0177.0.0.1, 0x7f.1) never reach this
// file as such: the WHATWG URL parser turns them into dotted decimal first (net/policy.ts).
import { isIPv4, isIPv6 } from 'node:net';

type Range = readonly [prefix: readonly number[], bits: number, why: string];

// Bytes of the network, prefix length, and what it is (for logs and error messages).
const V4: readonly Range[] = [
  [[0, 0, 0, 0], 8, 'unspecified'],
  [[10, 0, 0, 0], 8, 'private'],
  [[100, 64, 0, 0], 10, 'private'], // carrier-grade NAT (100.100.100.200 is Alibaba's metadata)
  [[127, 0, 0, 0], 8, 'loopback'],
  [[169, 254, 0, 0], 16, 'link-local'], // 169.254.169.254: AWS, GCP, Azure, OpenStack metadata
  [[172, 16, 0, 0], 12, 'private'],
  [[192, 0, 0, 0], 24, 'reserved'], // IETF protocol assignments (192.0.0.192: Oracle metadata)
  [[192, 0, 2, 0], 24, 'reserved'],
  [[192, 88, 99, 0], 24, 'reserved'],
  [[192, 168, 0, 0], 16, 'private'],
  [[198, 18, 0, 0], 15, 'reserved'],
  [[198, 51, 100, 0], 24, 'reserved'],
  [[203, 0, 113, 0], 24, 'reserved'],
  [[224, 0, 0, 0], 4, 'multicast'],
  [[240, 0, 0, 0], 4, 'reserved'], // includes 255.255.255.255
  [[168, 63, 129, 16], 32, 'metadata'], // Azure's wire server: public space, host-local meaning
];

const V6: readonly Range[] = [
  [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 128, 'unspecified'],
  [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 128, 'loopback'],
  [[0, 0x64, 0xff, 0x9b, 0, 1], 48, 'private'], // local-use NAT64
  [[0x01, 0x00, 0, 0, 0, 0, 0, 0], 64, 'reserved'], // discard-only
  [[0x20, 0x01, 0x00, 0x00], 23, 'reserved'], // IETF protocol assignments, Teredo
  [[0x20, 0x01, 0x0d, 0xb8], 32, 'reserved'], // documentation
  [[0x3f, 0xff], 20, 'reserved'], // documentation
  [[0xfc, 0x00], 7, 'private'], // unique local (fd00:ec2::254: AWS metadata)
  [[0xfe, 0x80], 10, 'link-local'],
  [[0xfe, 0xc0], 10, 'private'], // site-local, deprecated
  [[0xff, 0x00], 8, 'multicast'],
];

function inRange(bytes: readonly number[], [prefix, bits]: Range): boolean {
  for (let i = 0; i < bits; i += 8) {
    const take = Math.min(8, bits - i);
    const mask = (0xff << (8 - take)) & 0xff;
    if (((bytes[i / 8] ?? 0) & mask) !== ((prefix[i / 8] ?? 0) & mask)) return false;
  }
  return true;
}

const v4Bytes = (ip: string): number[] => ip.split('.').map(Number);

/** An IPv6 address as 16 bytes (`::` expanded, a trailing dotted quad folded in), or null. */
export function ipv6Bytes(input: string): number[] | null {
  let ip = input.startsWith('[') && input.endsWith(']') ? input.slice(1, -1) : input;
  if (!isIPv6(ip)) return null;
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  let tail: number[] = [];
  if (quad) {
    tail = v4Bytes(quad[1]!);
    ip = ip.slice(0, -quad[1]!.length) + '0:0';
  }
  const [head, rest] = ip.includes('::') ? (ip.split('::') as [string, string]) : [ip, null];
  const words = (part: string) => (part ? part.split(':').map((w) => parseInt(w, 16)) : []);
  const left = words(head);
  const right = rest === null ? [] : words(rest);
  const all = rest === null ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  if (all.length !== 8) return null;
  const bytes = all.flatMap((w) => [w >> 8, w & 0xff]);
  if (quad) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** The IPv4 address an IPv6 one carries (mapped, compatible, NAT64, 6to4), if any. */
function embeddedV4(b: number[]): number[] | null {
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return b.slice(12, 16); // ::ffff:a.b.c.d
  if (zero(0, 12) && !(zero(12, 15) && (b[15] === 0 || b[15] === 1))) return b.slice(12, 16); // ::a.b.c.d
  if (b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12)) return b.slice(12, 16); // 64:ff9b::/96
  if (b[0] === 0x20 && b[1] === 0x02) return b.slice(2, 6); // 2002:AABB:CCDD::/48
  return null;
}

const v4Verdict = (bytes: readonly number[]): string | null => V4.find((r) => inRange(bytes, r))?.[2] ?? null;

/**
 * Why the bridge must not connect to this address on a caller's behalf ("loopback", "private",
 * "link-local", "multicast", "unspecified", "reserved", "metadata"), or null when it is public.
 * Anything that is not an IP address is refused too ("invalid").
 */
export function nonPublicReason(address: string): string | null {
  if (isIPv4(address)) return v4Verdict(v4Bytes(address));
  const bytes = ipv6Bytes(address);
  if (!bytes) return 'invalid';
  const v4 = embeddedV4(bytes);
  if (v4) return v4Verdict(v4);
  return V6.find((r) => inRange(bytes, r))?.[2] ?? null;
}
