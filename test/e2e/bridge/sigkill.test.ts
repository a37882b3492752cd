// The bridge killed with SIGKILL in the middle of a handed-over chat, while the gateway fails and
// answers ambiguously, then restarted: no message is lost or duplicated, in either direction.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentClient, chatClient, control, eventually } from '../../support/emulator';
import { handOver } from '../../support/bridge';
import { startBotProcess, startBridgeProcess, startEmulatorProcess, stopAll, type Running } from '../../support/processes';
import { fileTempDir } from '../../support/temp';

let emulator: Running;
let bot: Running & { endpoint: string };
let bridge: Running | undefined;

const MESSAGES = 'POST /chat-gateway/v1/conversations/{id}/messages';
// The bridge's store outlives the test: its process stops in afterAll.
const storeDir = fileTempDir('bridge-kill-');

beforeAll(async () => {
  // Webhook retries from 200 ms, doubling up to 2 s, 40 attempts: events sent while the bridge is
  // dead keep coming back for over a minute, as a real gateway's would, however slow the restart.
  [emulator, bot] = await Promise.all([startEmulatorProcess({ WEBHOOK_RETRY_BASE_MS: '200', WEBHOOK_RETRY_MAX_MS: '2000', WEBHOOK_MAX_ATTEMPTS: '40' }), startBotProcess()]);
});
afterAll(async () => {
  await stopAll(bridge, bot, emulator);
});

describe('SIGKILL mid-chat', () => {
  it('loses and duplicates nothing in either direction', async () => {
    const env = {
      BRIDGE_STORE: `sqlite:${join(storeDir, 'bridge.db')}`,
      GATEWAY_URL: emulator.url,
      BOT_ENDPOINT: bot.endpoint,
      GATEWAY_RPS: '50',
      GATEWAY_RECONCILE_GRACE_MS: '500',
    };
    bridge = await startBridgeProcess(env);
    const port = new URL(bridge.url).port;
    const chat = chatClient(bridge.url);
    const agent = agentClient(emulator.url);

    const { id, conversationId } = await handOver(chat, emulator.url, 'Kill Bill', { agent: { id: 'agent-kim', name: 'Kim' } });
    const interaction = { id: conversationId };

    const customer = Array.from({ length: 8 }, (_, i) => `customer ${i}`);
    const agentSays = Array.from({ length: 8 }, (_, i) => `agent ${i}`);

    // The gateway starts failing: plain 500s, a send it did but answered 500, one it did and
    // dropped the connection on, a 503 that it did not do.
    await control(emulator.url, {
      faults: [
        { route: MESSAGES, status: 500, count: 2 },
        { route: MESSAGES, status: 500, count: 1, process: true },
        { route: MESSAGES, status: 0, count: 1, process: true },
        { route: MESSAGES, status: 503, count: 2, delayMs: 200 },
      ],
    });
    for (let i = 0; i < 4; i++) {
      expect((await chat.send(id, customer[i]!, `kill-${i}`)).body).toEqual({ statusCode: 0 });
      await agent.say(interaction.id, agentSays[i]!);
    }

    // Killed with work in its outbox and events in flight.
    bridge.child.kill('SIGKILL');
    await new Promise((resolve) => bridge!.child.once('exit', resolve));

    // While it is dead the agent goes on (the gateway keeps retrying those webhooks), and the
    // widget's sends fail: it will send them again, with the same clientMessageIds.
    for (let i = 4; i < 6; i++) await agent.say(interaction.id, agentSays[i]!);
    await expect(chat.send(id, customer[4]!, 'kill-4')).rejects.toThrow();

    bridge = await startBridgeProcess({ ...env, BRIDGE_PORT: port });
    expect(bridge.url).toBe(`http://127.0.0.1:${port}`);
    // The widget resends what it had no answer for (kill-3 may or may not have got through), then goes on.
    for (let i = 3; i < 8; i++) {
      expect((await chat.send(id, customer[i]!, `kill-${i}`)).body).toEqual({ statusCode: 0 });
      if (i >= 6) await agent.say(interaction.id, agentSays[i]!);
    }

    await eventually(
      async () => {
        const atAgent = (await agent.transcript(interaction.id)).messages
          .filter((m: { type: string; from: { type: string } }) => m.type === 'Text' && m.from.type === 'Customer')
          .map((m: { text: string }) => m.text);
        expect(atAgent).toEqual(customer);
      },
      { timeoutMs: 45_000, intervalMs: 250 },
    );
    await eventually(
      async () => {
        const atCustomer = (await chat.messages(id, 1)).body.messages
          .filter((m: { type: string; from: { type: string } }) => m.type === 'Text' && m.from.type === 'Agent')
          .map((m: { text: string }) => m.text);
        // Every agent message once, in the order the agent wrote them, although the gateway
        // redelivers those of the crash on their own schedules (the redelivery hold).
        expect(atCustomer).toEqual(agentSays);
      },
      { timeoutMs: 45_000, intervalMs: 250 },
    );
    // And it stays that way: nothing arrives twice later.
    await new Promise((r) => setTimeout(r, 1500));
    const customerSide = (await chat.messages(id, 1)).body.messages as { index: number; type: string; text?: string; from: { type: string } }[];
    expect(customerSide.filter((m) => m.type === 'Text' && m.from.type === 'Agent').map((m) => m.text)).toEqual(agentSays);
    expect(customerSide.filter((m) => m.type === 'Text' && m.from.type === 'Customer' && m.text?.startsWith('customer')).map((m) => m.text)).toEqual(customer);
    expect(customerSide.map((m) => m.index)).toEqual(customerSide.map((_, i) => i + 1));
    const atAgent = (await agent.transcript(interaction.id)).messages.filter((m: { type: string; from: { type: string } }) => m.type === 'Text' && m.from.type === 'Customer');
    expect(atAgent).toHaveLength(customer.length);
  }, 150_000);
});
