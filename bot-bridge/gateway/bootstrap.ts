// At start: make sure the gateway has a webhook pointing at this bridge and a channel using it.
// Given GATEWAY_CHANNEL_ID, use that channel. Otherwise create both once and keep their ids in the
// store, so a restart (or a second replica) reuses them instead of piling up new ones.
import type { Store } from '../store';
import type { GatewayClient, Outcome } from './client';

export interface GatewaySetup {
  channelId: string;
  webhookId: string | null;
}

export interface BootstrapOptions {
  store: Store;
  client: GatewayClient;
  gatewayUrl: string;
  webhookUri: string;
  channelId: string | null;
  webhookId: string | null;
  queueId: string;
  owner: string;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

export class BootstrapError extends Error {
  override name = 'BootstrapError';
}

const NAME = 'Parley bot bridge';

function expectOk(outcome: Outcome, what: string): Record<string, unknown> {
  if (outcome.kind === 'ok' && typeof outcome.body === 'object' && outcome.body !== null) return outcome.body as Record<string, unknown>;
  throw new BootstrapError(`${what}: ${outcome.kind === 'ok' ? 'no body' : outcome.message}`);
}

const idOf = (body: Record<string, unknown>, what: string): string => {
  if (typeof body.id !== 'string' || !body.id) throw new BootstrapError(`${what}: the answer has no id`);
  return body.id;
};

export async function bootstrapGateway(opts: BootstrapOptions): Promise<GatewaySetup> {
  const { client, store, log } = opts;

  if (opts.channelId) {
    // An operator-managed channel: read its webhook (post-agent-assignment needs the id), change nothing.
    let webhookId = opts.webhookId;
    if (!webhookId) {
      const channel = expectOk(await client.getChannel(opts.channelId), `reading channel ${opts.channelId}`);
      webhookId = typeof channel.webHookId === 'string' ? channel.webHookId : null;
    }
    if (webhookId) {
      const hook = await client.getWebhook(webhookId);
      if (hook.kind === 'ok' && (hook.body as { uri?: string }).uri !== opts.webhookUri) {
        log.warn({ webhookId }, `the channel's webhook does not point at this bridge (${opts.webhookUri}); events will not arrive here`);
      }
    }
    return { channelId: opts.channelId, webhookId };
  }

  // Settings are per gateway: pointing the bridge at another gateway must not reuse foreign ids.
  const prefix = `gateway:${opts.gatewayUrl}:`;
  const lease = 'bootstrap';
  const deadline = Date.now() + 30_000;
  while (!(await store.lease(lease, opts.owner, 30_000))) {
    if (Date.now() > deadline) throw new BootstrapError('another replica holds the bootstrap lease for over 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    let webhookId = await store.getSetting(`${prefix}webhookId`);
    if (webhookId) {
      const existing = await client.getWebhook(webhookId);
      if (existing.kind === 'rejected' && existing.status === 404) webhookId = null;
      else {
        const hook = expectOk(existing, `reading webhook ${webhookId}`);
        if (hook.uri !== opts.webhookUri) {
          expectOk(await client.updateWebhook(webhookId, { name: NAME, uri: opts.webhookUri }), `pointing webhook ${webhookId} at ${opts.webhookUri}`);
          log.info({ webhookId }, 'webhook now points at this bridge');
        }
      }
    }
    if (!webhookId) {
      webhookId = idOf(expectOk(await client.createWebhook({ name: NAME, uri: opts.webhookUri }), 'creating the webhook'), 'creating the webhook');
      await store.setSetting(`${prefix}webhookId`, webhookId);
      await store.setSetting(`${prefix}channelId`, '');
      log.info({ webhookId }, 'webhook created');
    }

    let channelId = (await store.getSetting(`${prefix}channelId`)) || null;
    if (channelId) {
      const existing = await client.getChannel(channelId);
      if (existing.kind === 'rejected' && existing.status === 404) channelId = null;
      else if (expectOk(existing, `reading channel ${channelId}`).webHookId !== webhookId) channelId = null;
    }
    if (!channelId) {
      channelId = idOf(expectOk(await client.createChannel({ name: NAME, webHookId: webhookId, queueId: opts.queueId }), 'creating the channel'), 'creating the channel');
      await store.setSetting(`${prefix}channelId`, channelId);
      log.info({ channelId }, 'channel created');
    }
    return { channelId, webhookId };
  } finally {
    await store.unlease(lease, opts.owner).catch(() => undefined);
  }
}
