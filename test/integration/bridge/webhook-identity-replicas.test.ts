// A replica still setting up takes the webhooks another replica has learned the identity for. Two
// replicas started together behind one balancer: one learns whose webhooks these are (a round
// trip through the gateway), the other is still in its own setup, and the balancer sends it a
// delivery. Refusing it (401) made the gateway send that event again later, after the events that
// followed it, so the customer saw an agent's messages out of order (two-bridges e2e, under load).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { control, startEmulator, type RunningEmulator } from '../../support/emulator';
import { REDIS_URL, dropRedisPrefix, postWebhook, redisPrefix, signedDelivery, startBot, startBridge, type RunningBridge } from '../../support/bridge';

const prefix = redisPrefix();
let emu: RunningEmulator;
let bot: Awaited<ReturnType<typeof startBot>>;
const bridges: RunningBridge[] = [];

beforeAll(async () => {
  emu = await startEmulator();
  bot = await startBot();
});
afterAll(async () => {
  for (const b of bridges) await b.close();
  await bot?.close();
  await emu?.close();
  await dropRedisPrefix(prefix);
});

describe('a replica that is still setting up', () => {
  it('takes a delivery signed for the identity another replica learned, and still refuses anyone else’s', async () => {
    const config = { store: REDIS_URL, redisPrefix: prefix, gateway: { url: emu.url }, bot: { endpoint: bot.endpoint } };
    bridges.push(await startBridge(config));
    // The second's setup finds the first's webhook, then cannot read it for a while (the gateway
    // answers 503): it is not ready, and has not looked for the identity yet.
    await control(emu.url, { faults: [{ route: 'GET /chat-gateway/v1/webhooks/{id}', status: 503, count: 3 }] });
    const second = await startBridge(config, { waitReady: false });
    bridges.push(second);
    expect(second.bridge.verifier.knownIdentity()).toBeNull();

    const event = {
      eventType: 'MESSAGE',
      conversationId: 'not-one-of-ours',
      timestamp: Date.now(),
      data: { isEcho: false, sender: { id: 'agent-kim', type: 'agent' }, text: 'hello' },
    };
    const response = await postWebhook(second.url, signedDelivery(emu.signer, event));
    expect(response.status).toBe(200);
    expect(second.bridge.verifier.knownIdentity()).toEqual({ tenantId: 'demo', customerId: 'emulator-customer' });
    // Knowing it, the replica refuses deliveries signed for another tenant as every replica does.
    expect((await postWebhook(second.url, signedDelivery(emu.signer, event, { tenantId: 'another-tenant' }))).status).toBe(401);
  });
});
