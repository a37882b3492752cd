// The tenant and customer ids every webhook must be signed for. A signed delivery proves only that
// the gateway sent those headers to someone: another tenant's (or another channel's) receiver holds
// validly signed headers too. Binding them to this bridge's own ids makes other tenants' deliveries
// useless here.
//
// Configured (GATEWAY_TENANT_ID + GATEWAY_CUSTOMER_ID), or learned once from the gateway itself and
// kept in the store for every replica and restart: the bridge asks the gateway to verify its webhook
// URI with a random nonce in the query (POST /webhooks/verify); the gateway sends the signed
// WEB_HOOK_VERIFY event there, and the delivery that carries our nonce and a valid signature tells
// the ids (learnFromPing). Nobody else can produce it: the nonce only ever went to the gateway.
// A gateway whose verification event is not signed cannot teach anything: the bridge then refuses
// every webhook and says, at start, to configure both ids.
//
// Learning does not hold up readiness: behind a load balancer the ping reaches the bridge only once
// some replica is ready. Until the ids are known webhooks get 401, and the gateway retries them;
// a replica whose setup is still under way takes the ids another one stored (knownGatewayIdentity).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store';
import type { GatewayClient } from './client';
import type { GatewayIdentity } from './verify';

/** The query parameter of the learning ping. */
export const LEARN_PARAM = 'parley-learn';

export class IdentityError extends Error {
  override name = 'IdentityError';
}

export interface IdentityOptions {
  store: Store;
  client: GatewayClient;
  gatewayUrl: string;
  apiKey: string;
  webhookUri: string;
  configured: { tenantId: string | null; customerId: string | null };
  /** Lease owner: one replica learns at a time (the nonce is one setting). */
  owner: string;
}

/** Per gateway and API key: another account on the same gateway learns its own. */
const settingKey = (gatewayUrl: string, apiKey: string) => `gateway:${gatewayUrl}:identity:${createHash('sha256').update(apiKey).digest('hex').slice(0, 16)}`;

const parse = (text: string | null): GatewayIdentity | null => {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as Partial<GatewayIdentity>;
    return typeof v.tenantId === 'string' && typeof v.customerId === 'string' ? { tenantId: v.tenantId, customerId: v.customerId } : null;
  } catch {
    return null;
  }
};

/**
 * One attempt: the ids configured, stored (another replica or an earlier start learned them), or
 * learned now. null: another replica is learning them right now (look again in a moment).
 */
export async function gatewayIdentity(opts: IdentityOptions): Promise<GatewayIdentity | null> {
  const { tenantId, customerId } = opts.configured;
  if (tenantId !== null && customerId !== null) return { tenantId, customerId };
  const key = settingKey(opts.gatewayUrl, opts.apiKey);
  const stored = parse(await opts.store.getSetting(key));
  const known = stored ?? (await learnUnderLease(opts, key));
  if (!known) return null;
  if ((tenantId !== null && tenantId !== known.tenantId) || (customerId !== null && customerId !== known.customerId)) {
    throw new IdentityError(`the gateway signs for tenant "${known.tenantId}", customer "${known.customerId}": GATEWAY_TENANT_ID / GATEWAY_CUSTOMER_ID say otherwise`);
  }
  return known;
}

/**
 * The ids configured or already stored (by another replica, or an earlier start), without learning:
 * null when neither. For a replica still setting up, which must not refuse a delivery for ids the
 * others have learned (a refused event comes again later, after the ones that followed it).
 */
export async function knownGatewayIdentity(opts: Pick<IdentityOptions, 'store' | 'gatewayUrl' | 'apiKey' | 'configured'>): Promise<GatewayIdentity | null> {
  const { tenantId, customerId } = opts.configured;
  if (tenantId !== null && customerId !== null) return { tenantId, customerId };
  const stored = parse(await opts.store.getSetting(settingKey(opts.gatewayUrl, opts.apiKey)));
  if (!stored || (tenantId !== null && tenantId !== stored.tenantId) || (customerId !== null && customerId !== stored.customerId)) return null;
  return stored;
}

async function learnUnderLease(opts: IdentityOptions, key: string): Promise<GatewayIdentity | null> {
  const lease = 'gateway-identity';
  if (!(await opts.store.lease(lease, opts.owner, 30_000))) return null;
  try {
    const meanwhile = parse(await opts.store.getSetting(key));
    if (meanwhile) return meanwhile;
    const nonce = randomBytes(18).toString('base64url');
    await opts.store.setSetting(`${key}:nonce`, nonce);
    const uri = new URL(opts.webhookUri);
    uri.searchParams.set(LEARN_PARAM, nonce);
    try {
      const outcome = await opts.client.call('POST', '/webhooks/verify', '/webhooks/verify', { uri: uri.toString() });
      if (outcome.kind !== 'ok') {
        throw new IdentityError(
          `could not learn the tenant and customer ids from the gateway's signed verification event (${outcome.message}); set GATEWAY_TENANT_ID and GATEWAY_CUSTOMER_ID`,
        );
      }
    } finally {
      await opts.store.setSetting(`${key}:nonce`, '').catch(() => undefined);
    }
    const learned = parse(await opts.store.getSetting(key));
    if (!learned) throw new IdentityError('the gateway verified the webhook but no signed verification event reached the bridge; set GATEWAY_TENANT_ID and GATEWAY_CUSTOMER_ID');
    return learned;
  } finally {
    await opts.store.unlease(lease, opts.owner).catch(() => undefined);
  }
}

/**
 * A signed WEB_HOOK_VERIFY carrying a nonce: when it is the one a replica is learning with, keep
 * the ids its signature vouches for (first writer wins). True when it was ours.
 */
export async function learnFromPing(store: Store, opts: { gatewayUrl: string; apiKey: string }, nonce: string, signed: GatewayIdentity): Promise<boolean> {
  const key = settingKey(opts.gatewayUrl, opts.apiKey);
  const expected = await store.getSetting(`${key}:nonce`);
  const given = Buffer.from(nonce);
  if (!expected || Buffer.byteLength(expected) !== given.length || !timingSafeEqual(Buffer.from(expected), given)) return false;
  const kept = parse(await store.claimSetting(key, JSON.stringify({ tenantId: signed.tenantId, customerId: signed.customerId })));
  return kept !== null && kept.tenantId === signed.tenantId && kept.customerId === signed.customerId;
}
