// Two bridge processes on one Redis behind a round-robin balancer: customer requests, bot replies
// and gateway webhooks alternate between them, and one conversation is served correctly, every
// message once and in order, with one webhook, one channel and no duplicate send.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, agentClient, chatClient, eventually, http } from '../../support/emulator';
import { REDIS_URL, dropRedisPrefix, handOver, redisPrefix, startRoundRobin } from '../../support/bridge';
import { startBotProcess, startBridgeProcess, startEmulatorProcess, stopAll, type Running } from '../../support/processes';

const prefix = redisPrefix();
let emulator: Running;
let bot: Running & { endpoint: string };
let balancer: Awaited<ReturnType<typeof startRoundRobin>>;
let a: Running;
let b: Running;

beforeAll(async () => {
  [emulator, bot] = await Promise.all([startEmulatorProcess(), startBotProcess()]);
  // The balancer's address is every bridge's public URL: the gateway and the bot call it, not a replica.
  balancer = await startRoundRobin([]);
  const env = {
    BRIDGE_STORE: REDIS_URL,
    BRIDGE_REDIS_PREFIX: prefix,
    BRIDGE_PUBLIC_URL: balancer.url,
    GATEWAY_URL: emulator.url,
    BOT_ENDPOINT: bot.endpoint,
    GATEWAY_RPS: '50',
  };
  // Started together: both race for the bootstrap, one creates the webhook and channel.
  [a, b] = await Promise.all([startBridgeProcess(env), startBridgeProcess(env)]);
  balancer.setTargets([a.url, b.url]);
});
afterAll(async () => {
  await stopAll(a, b, bot, emulator);
  await balancer?.close();
  await dropRedisPrefix(prefix);
});

describe('two bridges, one Redis', () => {
  it('serve one conversation with requests alternating between them, every message once and in order', async () => {
    const chat = chatClient(balancer.url);
    const agent = agentClient(emulator.url);
    const gw = (path: string) => http(`${emulator.url}/chat-gateway/v1${path}`, { headers: { 'x-api-key': API_KEY } });
    expect((await gw('/webhooks')).body.page.totalElements).toBe(1);
    expect((await gw('/channels')).body.page.totalElements).toBe(1);

    const { id, conversationId } = await handOver(chat, emulator.url, 'Twin', { agent: { id: 'agent-twin', name: 'Tess' } });
    const interaction = { id: conversationId };
    expect((await gw('/conversations')).body.page.totalElements).toBe(1);

    const since = Date.now();
    const customer = Array.from({ length: 10 }, (_, i) => `customer ${i}`);
    const agentSays = Array.from({ length: 10 }, (_, i) => `agent ${i}`);
    for (let i = 0; i < 10; i++) {
      await chat.send(id, customer[i]!, `twin-${i}`);
      // A retry of the same send through the other replica changes nothing.
      await chat.send(id, customer[i]!, `twin-${i}`);
      await agent.say(interaction.id, agentSays[i]!);
    }

    await eventually(
      async () => {
        const atAgent = (await agent.transcript(interaction.id)).messages
          .filter((m: { type: string; from: { type: string } }) => m.type === 'Text' && m.from.type === 'Customer')
          .map((m: { text: string }) => m.text);
        expect(atAgent).toEqual(customer);
      },
      { timeoutMs: 20_000 },
    );
    await eventually(
      async () => {
        const atCustomer = (await chat.messages(id, 1)).body.messages
          .filter((m: { type: string; from: { type: string } }) => m.type === 'Text' && m.from.type === 'Agent')
          .map((m: { text: string }) => m.text);
        expect(atCustomer).toEqual(agentSays);
      },
      { timeoutMs: 20_000 },
    );
    await new Promise((r) => setTimeout(r, 1000));
    const sends = (await http(`${emulator.url}/emulator/api/requests?since=${since}&path=/conversations/${interaction.id}/messages`)).body.requests.filter(
      (r: { method: string }) => r.method === 'POST',
    );
    expect(sends).toHaveLength(10);
    // Both replicas did work: the balancer sent each about half.
    expect(balancer.hits.get(new URL(a.url).origin)! > 10 && balancer.hits.get(new URL(b.url).origin)! > 10).toBe(true);
    expect((await gw('/conversations')).body.page.totalElements).toBe(1);
  });
});
