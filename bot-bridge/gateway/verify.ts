// Verifies Chat Gateway webhook signatures exactly as protocols/chat-gateway.md says: a JWS (RS256)
// with a detached, unencoded payload that binds the CRC-32 of the raw body bytes to the delivery
// headers, checked with the JWK fetched (and cached) by kid, inside a freshness window.
import { createPublicKey, verify as rsaVerify, type KeyObject } from 'node:crypto';
import { crc32 } from 'node:zlib';

export type Rejection = 'unsigned' | 'malformed' | 'unknown-kid' | 'bad-signature' | 'stale' | 'tenant';

export type Verdict = { ok: true; eventId: string; retry: number; transmissionTime: number; tenantId: string } | { ok: false; reason: Rejection; message: string };

export interface VerifierOptions {
  /** URL of the public key, `{kid}` replaced by the key id. */
  jwkUrl: string;
  maxAgeS: number;
  expectedTenantId: string | null;
  now?: () => number;
  /** How long an unknown kid is remembered as unknown (a flood of made-up kids fetches nothing). */
  negativeCacheMs?: number;
}

type Headers = Record<string, string | string[] | undefined>;

const KID = /^[A-Za-z0-9_-]{1,128}$/;
const MAX_KEYS = 64;

const one = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? undefined : value;
};

/** The signed document: key order is part of the contract (checksum, cid, eid, retry, tid, tt). */
export function detachedPayload(raw: Buffer, h: { customerId: string; eventId: string; retry: number; tenantId: string; transmissionTime: number }): string {
  return JSON.stringify({ checksum: crc32(raw) >>> 0, cid: h.customerId, eid: h.eventId, retry: h.retry, tid: h.tenantId, tt: h.transmissionTime });
}

export class WebhookVerifier {
  private readonly keys = new Map<string, KeyObject>();
  private readonly unknown = new Map<string, number>();
  private readonly fetching = new Map<string, Promise<KeyObject | null>>();
  private readonly now: () => number;

  constructor(private readonly opts: VerifierOptions) {
    this.now = opts.now ?? Date.now;
  }

  async verify(raw: Buffer, headers: Headers): Promise<Verdict> {
    const signature = one(headers, 'x-8x8-signature');
    if (!signature) return { ok: false, reason: 'unsigned', message: 'missing x-8x8-signature' };
    const tenantId = one(headers, 'x-8x8-tenant-id');
    const customerId = one(headers, 'x-8x8-customer-id');
    const eventId = one(headers, 'x-8x8-event-id');
    const retryRaw = one(headers, 'x-8x8-retry');
    const ttRaw = one(headers, 'x-8x8-transmission-time');
    if (tenantId === undefined || customerId === undefined || !eventId || !retryRaw || !ttRaw) {
      return { ok: false, reason: 'unsigned', message: 'missing x-8x8-tenant-id, -customer-id, -event-id, -retry or -transmission-time' };
    }
    if (!/^\d{1,6}$/.test(retryRaw) || !/^\d{1,15}$/.test(ttRaw) || eventId.length > 200) {
      return { ok: false, reason: 'malformed', message: 'x-8x8-retry and x-8x8-transmission-time must be numbers' };
    }
    const parts = signature.split('.');
    if (parts.length !== 3 || parts[1] !== '' || !parts[0] || !parts[2]) {
      return { ok: false, reason: 'malformed', message: 'x-8x8-signature must be a detached JWS (header..signature)' };
    }
    let header: { alg?: unknown; kid?: unknown; b64?: unknown; crit?: unknown };
    try {
      header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed', message: 'the JWS header is not base64url JSON' };
    }
    if (header.alg !== 'RS256' || header.b64 !== false || !Array.isArray(header.crit) || !header.crit.includes('b64')) {
      return { ok: false, reason: 'malformed', message: 'the JWS header must say alg RS256, b64 false, crit [b64]' };
    }
    if (typeof header.kid !== 'string' || !KID.test(header.kid)) return { ok: false, reason: 'malformed', message: 'the JWS header has no usable kid' };

    // Freshness before any network work: a stale replay costs nothing.
    const transmissionTime = Number(ttRaw);
    if (Math.abs(this.now() - transmissionTime) > this.opts.maxAgeS * 1000) {
      return { ok: false, reason: 'stale', message: `x-8x8-transmission-time is outside the ${this.opts.maxAgeS} s window` };
    }
    if (this.opts.expectedTenantId !== null && tenantId !== this.opts.expectedTenantId) {
      return { ok: false, reason: 'tenant', message: "x-8x8-tenant-id is not this bridge's tenant" };
    }

    const key = await this.key(header.kid);
    if (!key) return { ok: false, reason: 'unknown-kid', message: `no public key for kid ${header.kid}` };
    const retry = Number(retryRaw);
    const payload = detachedPayload(raw, { customerId, eventId, retry, tenantId, transmissionTime });
    let valid = false;
    try {
      valid = rsaVerify('sha256', Buffer.from(`${parts[0]}.${payload}`), key, Buffer.from(parts[2], 'base64url'));
    } catch {
      valid = false;
    }
    if (!valid) return { ok: false, reason: 'bad-signature', message: 'the signature does not match this body and these headers' };
    return { ok: true, eventId, retry, transmissionTime, tenantId };
  }

  private async key(kid: string): Promise<KeyObject | null> {
    const cached = this.keys.get(kid);
    if (cached) return cached;
    const missUntil = this.unknown.get(kid);
    if (missUntil !== undefined && missUntil > this.now()) return null;
    let pending = this.fetching.get(kid);
    if (!pending) {
      pending = this.fetchKey(kid).finally(() => this.fetching.delete(kid));
      this.fetching.set(kid, pending);
    }
    return pending;
  }

  private async fetchKey(kid: string): Promise<KeyObject | null> {
    try {
      const response = await fetch(this.opts.jwkUrl.replace('{kid}', encodeURIComponent(kid)), { signal: AbortSignal.timeout(5000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const jwk = (await response.json()) as { kty?: string; n?: string; e?: string; kid?: string };
      if (jwk.kty !== 'RSA' || typeof jwk.n !== 'string' || typeof jwk.e !== 'string') throw new Error('not an RSA JWK');
      if (jwk.kid !== undefined && jwk.kid !== kid) throw new Error('the JWK is for another kid');
      const key = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
      if (this.keys.size >= MAX_KEYS) this.keys.delete(this.keys.keys().next().value!);
      this.keys.set(kid, key);
      return key;
    } catch {
      if (this.unknown.size >= 1000) this.unknown.clear();
      this.unknown.set(kid, this.now() + (this.opts.negativeCacheMs ?? 30_000));
      return null;
    }
  }
}
