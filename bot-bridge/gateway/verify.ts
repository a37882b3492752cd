// Verifies Chat Gateway webhook signatures exactly as protocols/chat-gateway.md says: a JWS (RS256)
// with a detached, unencoded payload that binds the CRC-32 of the raw body bytes to the delivery
// headers, checked with the JWK fetched (and cached) by kid, inside a freshness window.
//
// The scheme is the vendor's and binds only a CRC-32 of the body, which anyone can match: a valid
// signature proves the headers came from the gateway, not that the body did. So the headers are
// held to what they can prove: the signed tenant and customer must be this bridge's own (configured
// or learned at start, gateway/identity.ts), and the body is trusted only as far as the webhook
// front and the inbox check it (README "Security").
//
// Keys: a kid whose key verified a delivery is pinned (kept, never fetched again, and kept in the
// store so restarts and other replicas use the same key). Kids never seen cost a fetch from a small
// global budget (a burst, then one every few seconds): a flood of made-up kids fetches almost nothing.
import { createPublicKey, verify as rsaVerify, type KeyObject } from 'node:crypto';
import { crc32 } from 'node:zlib';

export type Rejection = 'unsigned' | 'malformed' | 'unknown-kid' | 'bad-signature' | 'stale' | 'tenant' | 'customer';

export interface GatewayIdentity {
  tenantId: string;
  customerId: string;
}

export type Verdict =
  { ok: true; eventId: string; retry: number; transmissionTime: number; tenantId: string; customerId: string } | { ok: false; reason: Rejection; message: string };

/** Where pinned keys are kept (the store's first-writer-wins settings): survives restarts, shared by replicas. */
export interface KeyPins {
  get(kid: string): Promise<string | null>;
  /** Keeps `jwk` for `kid` unless one is kept already; returns the one kept. */
  claim(kid: string, jwk: string): Promise<string>;
}

export interface VerifierOptions {
  /** URL of the public key, `{kid}` replaced by the key id. */
  jwkUrl: string;
  maxAgeS: number;
  /** The bridge's own tenant and customer; until known (trust()), every delivery is refused. */
  identity?: GatewayIdentity | null;
  pins?: KeyPins;
  now?: () => number;
  /** How long a kid the gateway did not know is remembered as unknown. */
  negativeCacheMs?: number;
  /** Fetches of never-seen kids: at most `fetchBurst` at once, then one per `fetchRefillMs`, for all kids together. */
  fetchBurst?: number;
  fetchRefillMs?: number;
  /** Called for each JWK fetch (tests count them). */
  onFetch?: (kid: string) => void;
  /**
   * Where the identity may already be while this verifier knows none (the store, where another
   * replica put what it learned): asked instead of refusing, one ask at a time and at most every
   * `lookUpEveryMs` (250). A replica still setting up must not refuse deliveries for an identity its
   * peers know: the gateway would send each again later, after the events that followed it.
   */
  lookUpIdentity?: () => Promise<GatewayIdentity | null>;
  lookUpEveryMs?: number;
}

type Headers = Record<string, string | string[] | undefined>;

interface Jwk {
  kty: 'RSA';
  n: string;
  e: string;
}

const KID = /^[A-Za-z0-9_-]{1,128}$/;
/** Pinned keys kept in memory (a gateway rotates rarely; an evicted pin is read back from the store). */
const MAX_PINNED = 32;
/** Fetched keys that have not verified anything yet. */
const MAX_CANDIDATES = 16;
const MAX_UNKNOWN = 1000;

const one = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? undefined : value;
};

/** The signed document: key order is part of the contract (checksum, cid, eid, retry, tid, tt). */
export function detachedPayload(raw: Buffer, h: { customerId: string; eventId: string; retry: number; tenantId: string; transmissionTime: number }): string {
  return JSON.stringify({ checksum: crc32(raw) >>> 0, cid: h.customerId, eid: h.eventId, retry: h.retry, tid: h.tenantId, tt: h.transmissionTime });
}

const parseJwk = (text: string): Jwk | null => {
  try {
    const jwk = JSON.parse(text) as Partial<Jwk>;
    return jwk.kty === 'RSA' && typeof jwk.n === 'string' && typeof jwk.e === 'string' ? { kty: 'RSA', n: jwk.n, e: jwk.e } : null;
  } catch {
    return null;
  }
};

interface Key {
  object: KeyObject;
  jwk: string;
}

export class WebhookVerifier {
  private readonly pinned = new Map<string, Key>();
  private readonly candidates = new Map<string, Key>();
  private readonly unknown = new Map<string, number>();
  private readonly fetching = new Map<string, Promise<Key | null>>();
  private readonly now: () => number;
  private identity: GatewayIdentity | null;
  private looking: Promise<GatewayIdentity | null> | null = null;
  private lookedAt = -Infinity;
  private tokens: number;
  private refilledAt: number;

  constructor(private readonly opts: VerifierOptions) {
    this.now = opts.now ?? Date.now;
    this.identity = opts.identity ?? null;
    this.tokens = opts.fetchBurst ?? 5;
    this.refilledAt = this.now();
  }

  /** The tenant and customer every delivery must be signed for, once the bridge knows them. */
  trust(identity: GatewayIdentity): void {
    this.identity = identity;
  }

  knownIdentity(): GatewayIdentity | null {
    return this.identity;
  }

  private lookUpIdentity(): Promise<GatewayIdentity | null> {
    const source = this.opts.lookUpIdentity;
    if (!source) return Promise.resolve(null);
    if (this.looking) return this.looking;
    if (this.now() - this.lookedAt < (this.opts.lookUpEveryMs ?? 250)) return Promise.resolve(null);
    this.looking = source()
      .catch(() => null)
      .then((found) => (this.identity ??= found))
      .finally(() => {
        this.looking = null;
        this.lookedAt = this.now();
      });
    return this.looking;
  }

  /**
   * Checks one delivery. `identity: false` skips the tenant/customer comparison (only for events
   * with no effect: the verification ping, and the one that teaches the bridge its identity).
   */
  async verify(raw: Buffer, headers: Headers, check: { identity: boolean } = { identity: true }): Promise<Verdict> {
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

    // Freshness and identity before any network work: a stale replay, or another tenant's
    // delivery, costs nothing.
    const transmissionTime = Number(ttRaw);
    if (Math.abs(this.now() - transmissionTime) > this.opts.maxAgeS * 1000) {
      return { ok: false, reason: 'stale', message: `x-8x8-transmission-time is outside the ${this.opts.maxAgeS} s window` };
    }
    if (check.identity) {
      const own = this.identity ?? (await this.lookUpIdentity());
      if (!own) return { ok: false, reason: 'tenant', message: 'this bridge does not know its tenant yet (it learns it from the gateway at start): retry later' };
      if (tenantId !== own.tenantId) return { ok: false, reason: 'tenant', message: "x-8x8-tenant-id is not this bridge's tenant" };
      if (customerId !== own.customerId) return { ok: false, reason: 'customer', message: "x-8x8-customer-id is not this bridge's customer" };
    }

    const kid = header.kid;
    const key = await this.key(kid);
    if (!key) return { ok: false, reason: 'unknown-kid', message: `no public key for kid ${kid}` };
    const retry = Number(retryRaw);
    const input = Buffer.from(`${parts[0]}.${detachedPayload(raw, { customerId, eventId, retry, tenantId, transmissionTime })}`);
    const signatureBytes = Buffer.from(parts[2], 'base64url');
    const valid = (k: KeyObject) => {
      try {
        return rsaVerify('sha256', input, k, signatureBytes);
      } catch {
        return false;
      }
    };
    if (!valid(key.object)) return { ok: false, reason: 'bad-signature', message: 'the signature does not match this body and these headers' };
    if (!this.pinned.has(kid)) {
      // First use: pin it. Another replica may have pinned another key for this kid first; theirs holds.
      const kept = await this.pin(kid, key);
      if (kept !== key && !valid(kept.object)) return { ok: false, reason: 'bad-signature', message: 'the signature does not match the key pinned for this kid' };
    }
    return { ok: true, eventId, retry, transmissionTime, tenantId, customerId };
  }

  private async pin(kid: string, key: Key): Promise<Key> {
    let kept = key;
    if (this.opts.pins) {
      const stored = await this.opts.pins.claim(kid, key.jwk).catch(() => key.jwk);
      if (stored !== key.jwk) kept = this.imported(stored) ?? key;
    }
    this.candidates.delete(kid);
    if (this.pinned.size >= MAX_PINNED) this.pinned.delete(this.pinned.keys().next().value!);
    this.pinned.set(kid, kept);
    return kept;
  }

  private imported(text: string): Key | null {
    const jwk = parseJwk(text);
    if (!jwk) return null;
    try {
      return { object: createPublicKey({ key: { kty: jwk.kty, n: jwk.n, e: jwk.e }, format: 'jwk' }), jwk: JSON.stringify(jwk) };
    } catch {
      return null;
    }
  }

  private async key(kid: string): Promise<Key | null> {
    const known = this.pinned.get(kid) ?? this.candidates.get(kid);
    if (known) return known;
    const missUntil = this.unknown.get(kid);
    if (missUntil !== undefined && missUntil > this.now()) return null;
    let pending = this.fetching.get(kid);
    if (!pending) {
      pending = this.load(kid).finally(() => this.fetching.delete(kid));
      this.fetching.set(kid, pending);
    }
    return pending;
  }

  /** A pinned key from the store, else one fetch if the budget allows. */
  private async load(kid: string): Promise<Key | null> {
    const stored = await this.opts.pins?.get(kid).catch(() => null);
    const pinned = stored ? this.imported(stored) : null;
    if (pinned) {
      if (this.pinned.size >= MAX_PINNED) this.pinned.delete(this.pinned.keys().next().value!);
      this.pinned.set(kid, pinned);
      return pinned;
    }
    // Out of budget: refused now, but not remembered as unknown (a real new kid gets its fetch
    // when the budget is back, on the gateway's next retry).
    if (!this.takeToken()) return null;
    const fetched = await this.fetchKey(kid);
    if (!fetched) {
      if (this.unknown.size >= MAX_UNKNOWN) this.unknown.clear();
      this.unknown.set(kid, this.now() + (this.opts.negativeCacheMs ?? 30_000));
      return null;
    }
    if (this.candidates.size >= MAX_CANDIDATES) this.candidates.delete(this.candidates.keys().next().value!);
    this.candidates.set(kid, fetched);
    return fetched;
  }

  private takeToken(): boolean {
    const burst = this.opts.fetchBurst ?? 5;
    const refill = this.opts.fetchRefillMs ?? 12_000;
    const now = this.now();
    const earned = Math.floor((now - this.refilledAt) / refill);
    if (earned > 0) {
      this.tokens = Math.min(burst, this.tokens + earned);
      this.refilledAt = this.tokens === burst ? now : this.refilledAt + earned * refill;
    }
    if (this.tokens <= 0) return false;
    this.tokens--;
    return true;
  }

  private async fetchKey(kid: string): Promise<Key | null> {
    this.opts.onFetch?.(kid);
    try {
      const response = await fetch(this.opts.jwkUrl.replace('{kid}', encodeURIComponent(kid)), { signal: AbortSignal.timeout(5000) });
      if (!response.ok) return null;
      const body = (await response.json()) as { kid?: unknown };
      if (body.kid !== undefined && body.kid !== kid) return null;
      return this.imported(JSON.stringify(body));
    } catch {
      return null;
    }
  }
}
