// A replica still setting up takes the webhooks another replica has learned the identity for. Two
// replicas started together behind one balancer: one learns whose webhooks these are (a round
// trip through the gateway), the other is still in its own setup, and the balancer sends it a
// delivery. Refusing it (401) made the gateway send that event again later, after the events that
// followed it, so the customer saw an agent's messages out of order (two-bridges e2e, under load).
import { afterAll, describe, expect, it } from 'vitest';
import { control } from '../../support/emulator';
import { REDIS_URL, bridgeRig, dropRedisPrefix, postWebhook, redisPrefix, signedDelivery } from '../../support/bridge';

const prefix = redisPrefix();
// After the rig's bridges have closed (after-hooks run last-registered first).
afterAll(() => dropRedisPrefix(prefix));
const rig = bridgeRig();

describe('a replica that is still setting up', () => {
  it('takes a delivery signed for the identity another replica learned, and still refuses anyone else’s', async () => {
    const config = { store: REDIS_URL, redisPrefix: prefix };
    await rig.bridge(config);
    // The second's setup finds the first's webhook, then cannot read it for a while (the gateway
    // answers 503): it is not ready, and has not looked for the identity yet.
    await control(rig.emu.url, { faults: [{ route: 'GET /chat-gateway/v1/webhooks/{id}', status: 503, count: 3 }] });
    const second = await rig.bridge(config, { waitReady: false });
    expect(second.bridge.verifier.knownIdentity()).toBeNull();

    const event = {
      eventType: 'MESSAGE',
      conversationId: 'not-one-of-ours',
      timestamp: Date.now(),
      data: { isEcho: false, sender: { id: 'agent-kim', type: 'agent' }, text: 'hello' },
    };
    const response = await postWebhook(second.url, signedDelivery(rig.emu.signer, event));
    expect(response.status).toBe(200);
    expect(second.bridge.verifier.knownIdentity()).toEqual({ tenantId: 'demo', customerId: 'emulator-customer' });
    // Knowing it, the replica refuses deliveries signed for another tenant as every replica does.
    expect((await postWebhook(second.url, signedDelivery(rig.emu.signer, event, { tenantId: 'another-tenant' }))).status).toBe(401);
  });
});
