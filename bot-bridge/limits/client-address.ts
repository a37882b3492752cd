// Which client a request counts against. An IPv4 address is itself (a mapped ::ffff:a.b.c.d too);
// an IPv6 address counts by its /64, since one subscriber is usually given a whole /64 and could
// otherwise take a fresh address for every request. Whether X-Forwarded-For is believed is
// Fastify's trustProxy (TRUST_PROXY), set where the app is built: never by default.
import { createHash } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { ipv6Bytes } from '../net/address';

export function clientKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  if (isIPv4(ip)) return ip;
  const bytes = ipv6Bytes(ip);
  if (!bytes) return 'unknown';
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12).join('.');
  const words: string[] = [];
  for (let i = 0; i < 8; i += 2) words.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return `${words.join(':')}::/64`;
}

/** A client key as the outbox's fairness names it (Session.origin): a short hash, so no address is kept with the chat. */
export const clientOrigin = (key: string): string => `a:${createHash('sha256').update(key).digest('base64url').slice(0, 16)}`;
