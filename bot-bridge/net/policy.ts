// Where the bridge may send a request whose URL a caller gave (the generic API's callbackUrl):
// https only (http with CALLBACK_ALLOW_HTTP), no credentials in the URL, an optional allow-list of
// hosts (CALLBACK_HOSTS), and never an IP literal that is not public. Names are judged when they are
// resolved, at connection time (net/safe-request.ts), so the address checked is the one used.
import { isIPv4 } from 'node:net';
import { ipv6Bytes, nonPublicReason } from './address';

export interface OutboundPolicy {
  allowHttp: boolean;
  /** Empty: any host. Else exact names, or `*.example.com` for names under example.com. */
  hosts: readonly string[];
  /** Unsafe, tests only: loopback and private addresses allowed. */
  allowPrivate: boolean;
}

export type UrlCheck = { ok: true; url: URL; literal: string | null } | { ok: false; message: string };

export const MAX_URL_LENGTH = 2000;

const hostAllowed = (hostname: string, hosts: readonly string[]) =>
  hosts.length === 0 || hosts.some((h) => (h.startsWith('*.') ? hostname.endsWith(h.slice(1)) && hostname.length > h.length - 1 : hostname === h));

/**
 * Checks a URL against the policy. The WHATWG parser normalises the host first: decimal, octal and
 * hex IPv4 forms (2130706433, 0177.0.0.1, 0x7f.0.0.1) become 127.0.0.1 and IPv6 is compressed, so
 * the literal judged here is the address that would be dialled. `literal` is that address (IPv6
 * without brackets) when the host is one, null for a name.
 */
export function checkUrl(raw: string, policy: OutboundPolicy): UrlCheck {
  if (raw.length > MAX_URL_LENGTH) return { ok: false, message: `must be at most ${MAX_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: 'must be an absolute https URL' };
  }
  if (url.protocol !== 'https:' && !(policy.allowHttp && url.protocol === 'http:')) {
    return { ok: false, message: policy.allowHttp ? 'must be an http(s) URL' : 'must be an https URL (plain http only with CALLBACK_ALLOW_HTTP)' };
  }
  if (url.username || url.password) return { ok: false, message: 'must not carry credentials' };
  const host = url.hostname.toLowerCase();
  if (!host) return { ok: false, message: 'must name a host' };
  const bracketless = host.startsWith('[') ? host.slice(1, -1) : host;
  const literal = isIPv4(bracketless) || ipv6Bytes(bracketless) ? bracketless : null;
  if (!hostAllowed(literal ?? host.replace(/\.$/, ''), policy.hosts)) return { ok: false, message: `host "${host}" is not in CALLBACK_HOSTS` };
  if (literal && !policy.allowPrivate) {
    const why = nonPublicReason(literal);
    if (why) return { ok: false, message: `must not point at a ${why} address (${literal})` };
  }
  return { ok: true, url, literal };
}
