// The webhook verifier's keys and identity: deliveries must be signed for this bridge's tenant and
// customer; a kid that verified once is pinned (kept, and kept in the store for other replicas and
// restarts); kids never seen cost a JWK fetch from a small global budget, so made-up kids cost
// (almost) nothing. A real JWK endpoint (HTTP on loopback) counts the fetches.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayIdentity, GatewayClient, learnFromPing, WebhookVerifier, type KeyPins } from '../../bot-bridge/gateway';
import { openStore } from '../../bot-bridge/store';
import { WebhookSigner } from '../../demo/contact-center/gateway';
import { signedDelivery } from '../support/bridge';

const identity = { tenantId: 'demo', customerId: 'emulator-customer' };
let server: Server;
let jwkUrl: string;
/** What the endpoint serves per kid (a signer's public key); the rest is 404. */
const published = new Map<string, WebhookSigner>();
const fetched: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const kid = decodeURIComponent(/\/jwk\/([^/]+)\/public$/.exec(req.url ?? '')?.[1] ?? '');
    fetched.push(kid);
    const signer = published.get(kid);
    if (!signer) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...signer.jwk(), kid }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwkUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwk/{kid}/public`;
});
afterAll(() => new Promise((r) => server.close(r)));

/** A signer whose deliveries name `kid`: with a new key (another key under a kid), or `key`'s (made-up kids, cheaply). */
function signerFor(kid: string, key: WebhookSigner = new WebhookSigner()): WebhookSigner {
  const signer = Object.create(key) as WebhookSigner;
  Object.defineProperty(signer, 'kid', { value: kid });
  Object.defineProperty(signer, 'protectedHeader', { value: Buffer.from(JSON.stringify({ b64: false, crit: ['b64'], kid, alg: 'RS256' })).toString('base64url') });
  return signer;
}

const memoryPins = (): KeyPins & { map: Map<string, string> } => {
  const map = new Map<string, string>();
  return {
    map,
    get: async (kid) => map.get(kid) ?? null,
    claim: async (kid, jwk) => {
      if (!map.has(kid)) map.set(kid, jwk);
      return map.get(kid)!;
    },
  };
};

const body = { eventType: 'QUEUED', conversationId: 'c1', timestamp: Date.now(), data: { queueId: 'support' } };
const verdictOf = async (verifier: WebhookVerifier, signer: WebhookSigner, opts: Parameters<typeof signedDelivery>[2] = {}) => {
  const d = signedDelivery(signer, body, opts);
  return verifier.verify(d.raw, d.headers);
};

describe('the identity a delivery is signed for', () => {
  const real = new WebhookSigner();
  published.set(real.kid, real);

  it('must be this bridge tenant and customer', async () => {
    const verifier = new WebhookVerifier({ jwkUrl, maxAgeS: 60, identity });
    expect(await verdictOf(verifier, real)).toMatchObject({ ok: true, tenantId: 'demo', customerId: 'emulator-customer' });
    expect(await verdictOf(verifier, real, { tenantId: 'another-tenant' })).toMatchObject({ ok: false, reason: 'tenant' });
    expect(await verdictOf(verifier, real, { customerId: 'another-customer' })).toMatchObject({ ok: false, reason: 'customer' });
  });

  it('refuses everything while the bridge does not know its identity', async () => {
    const verifier = new WebhookVerifier({ jwkUrl, maxAgeS: 60 });
    expect(await verdictOf(verifier, real)).toMatchObject({ ok: false, reason: 'tenant' });
    verifier.trust(identity);
    expect(await verdictOf(verifier, real)).toMatchObject({ ok: true });
  });

  it('while it knows none, asks where peers keep it: one ask at a time, at most every lookUpEveryMs', async () => {
    let now = Date.now();
    let stored: typeof identity | null = null;
    let asks = 0;
    const verifier = new WebhookVerifier({ jwkUrl, maxAgeS: 86_400, now: () => now, lookUpEveryMs: 250, lookUpIdentity: async () => (asks++, stored) });
    // Three deliveries at once, nothing stored yet: one ask, three refusals.
    expect((await Promise.all([1, 2, 3].map(() => verdictOf(verifier, real)))).map((v) => v.ok)).toEqual([false, false, false]);
    expect(asks).toBe(1);
    stored = identity;
    // Within the interval it does not ask again, even though the store now has it.
    expect(await verdictOf(verifier, real)).toMatchObject({ ok: false, reason: 'tenant' });
    expect(asks).toBe(1);
    now += 250;
    expect(await verdictOf(verifier, real)).toMatchObject({ ok: true, tenantId: 'demo' });
    expect(verifier.knownIdentity()).toEqual(identity);
    // Known now: never asked again, and another tenant's delivery is refused as usual.
    now += 1000;
    expect(await verdictOf(verifier, real, { tenantId: 'another-tenant' })).toMatchObject({ ok: false, reason: 'tenant' });
    expect(asks).toBe(2);
  });

  it('refuses a delivery older than the window (60 s by default in the config)', async () => {
    const verifier = new WebhookVerifier({ jwkUrl, maxAgeS: 60, identity });
    expect(await verdictOf(verifier, real, { transmissionTime: Date.now() - 90_000 })).toMatchObject({ ok: false, reason: 'stale' });
    expect(await verdictOf(verifier, real, { transmissionTime: Date.now() - 30_000 })).toMatchObject({ ok: true });
  });
});

describe('JWK fetches', () => {
  it('300 made-up kids cost at most the budget (5 fetches), and a pinned kid keeps working meanwhile', async () => {
    let now = Date.now();
    const real = new WebhookSigner();
    published.set(real.kid, real);
    const verifier = new WebhookVerifier({ jwkUrl, maxAgeS: 86_400, identity, now: () => now, fetchBurst: 5, fetchRefillMs: 12_000 });
    expect(await verdictOf(verifier, real, { transmissionTime: now })).toMatchObject({ ok: true });
    fetched.length = 0;
    const made = Array.from({ length: 300 }, (_, i) => signerFor(`made-up-${i}`, real));
    const verdicts = await Promise.all(made.map((s) => verdictOf(verifier, s, { transmissionTime: now })));
    expect(verdicts.every((v) => !v.ok && v.reason === 'unknown-kid')).toBe(true);
    expect(fetched.length).toBeLessThanOrEqual(5);
    // The real kid is pinned: it verifies with no fetch, flood or not.
    expect(await verdictOf(verifier, real, { transmissionTime: now })).toMatchObject({ ok: true });
    expect(fetched.length).toBeLessThanOrEqual(5);

    // A new real kid during the flood waits for the budget (the gateway retries), then works.
    const rotated = new WebhookSigner();
    published.set(rotated.kid, rotated);
    expect(await verdictOf(verifier, rotated, { transmissionTime: now })).toMatchObject({ ok: false, reason: 'unknown-kid' });
    now += 12_000;
    expect(await verdictOf(verifier, rotated, { transmissionTime: now })).toMatchObject({ ok: true });
  });

  it('a kid the gateway does not know is remembered: asking again fetches nothing', async () => {
    const verifier = new WebhookVerifier({ jwkUrl, maxAgeS: 60, identity });
    fetched.length = 0;
    const ghost = signerFor('ghost-kid', published.values().next().value!);
    for (let i = 0; i < 5; i++) expect(await verdictOf(verifier, ghost)).toMatchObject({ ok: false, reason: 'unknown-kid' });
    expect(fetched).toEqual(['ghost-kid']);
  });
});

describe('pinned kids', () => {
  it('keep the key first used, for this verifier and for the next one (a restart, another replica)', async () => {
    const kid = 'pinned-kid';
    const first = signerFor(kid);
    published.set(kid, first);
    const pins = memoryPins();
    const verifier = new WebhookVerifier({ jwkUrl, maxAgeS: 60, identity, pins });
    expect(await verdictOf(verifier, first)).toMatchObject({ ok: true });
    expect(pins.map.get(kid)).toContain(first.jwk().n);

    // The endpoint now answers another key for the same kid (a compromised or spoofed endpoint).
    const swapped = signerFor(kid);
    published.set(kid, swapped);
    expect(await verdictOf(verifier, swapped)).toMatchObject({ ok: false, reason: 'bad-signature' });

    fetched.length = 0;
    const restarted = new WebhookVerifier({ jwkUrl, maxAgeS: 60, identity, pins });
    expect(await verdictOf(restarted, swapped)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(await verdictOf(restarted, first)).toMatchObject({ ok: true });
    expect(fetched).toEqual([]);
  });
});

describe('learning the identity from the gateway', () => {
  const where = { gatewayUrl: 'http://gateway.test', apiKey: 'key-1' };
  // The setting the learning replica and the webhook front share (per gateway and API key).
  const setting = `gateway:http://gateway.test:identity:${createHash('sha256').update('key-1').digest('hex').slice(0, 16)}`;

  it('takes it only from the verification event carrying the nonce the learning replica stored, first one wins', async () => {
    const store = openStore('sqlite::memory:', { redisPrefix: 'x:', retentionH: 1 });
    try {
      // No learning under way: nothing is learned.
      expect(await learnFromPing(store, where, 'anything', { tenantId: 'mallory', customerId: 'm' })).toBe(false);
      await store.setSetting(`${setting}:nonce`, 'the-nonce-we-sent');
      expect(await learnFromPing(store, where, 'a-guessed-nonce!!', { tenantId: 'mallory', customerId: 'm' })).toBe(false);
      expect(await learnFromPing(store, where, 'the-nonce-we-sen\u00e9', { tenantId: 'mallory', customerId: 'm' })).toBe(false);
      expect(await store.getSetting(setting)).toBeNull();
      expect(await learnFromPing(store, where, 'the-nonce-we-sent', { tenantId: 'demo', customerId: 'c' })).toBe(true);
      expect(JSON.parse((await store.getSetting(setting))!)).toEqual({ tenantId: 'demo', customerId: 'c' });
      expect(await learnFromPing(store, where, 'the-nonce-we-sent', { tenantId: 'other', customerId: 'c' })).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('uses what is configured, else what is stored, and refuses a configured id the gateway contradicts', async () => {
    const store = openStore('sqlite::memory:', { redisPrefix: 'x:', retentionH: 1 });
    // A gateway nobody can reach: nothing here may need it.
    const client = new GatewayClient({ url: 'http://127.0.0.1:9', apiKey: 'key-1', tenant: null, rps: 100, timeoutMs: 500, store });
    const opts = { store, client, gatewayUrl: where.gatewayUrl, apiKey: where.apiKey, webhookUri: 'http://127.0.0.1:9/webhooks/chat-gateway', owner: 'me' };
    try {
      expect(await gatewayIdentity({ ...opts, configured: { tenantId: 't', customerId: 'c' } })).toEqual({ tenantId: 't', customerId: 'c' });
      await store.setSetting(setting, JSON.stringify({ tenantId: 'demo', customerId: 'c' }));
      expect(await gatewayIdentity({ ...opts, configured: { tenantId: null, customerId: null } })).toEqual({ tenantId: 'demo', customerId: 'c' });
      expect(await gatewayIdentity({ ...opts, configured: { tenantId: 'demo', customerId: null } })).toEqual({ tenantId: 'demo', customerId: 'c' });
      await expect(gatewayIdentity({ ...opts, configured: { tenantId: 'other', customerId: null } })).rejects.toThrow(/GATEWAY_TENANT_ID/);
    } finally {
      await store.close();
    }
  });
});
