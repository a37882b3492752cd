// The outbox's fairness by address at the wire, on both store drivers: one address's chats queue
// many bot deliveries behind a bot that holds the first, another address starts one chat, and the
// bot is let go. What counts is the order the bot receives the deliveries in (one at a time:
// OUTBOX_CONCURRENCY=1), never how long anything took. Round-robin by chat alone served every chat
// of the busy address before the other address's greeting.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CC_ID, http, startEmulator, type RunningEmulator } from '../../support/emulator';
import { REDIS_URL, dropRedisPrefix, redisPrefix, startBridge } from '../../support/bridge';
import { LIMITS_OFF } from '../../support/bridge-config';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu?.close();
});

const OFF = LIMITS_OFF;

/** A bot that records who each delivery was for (the customer's nickname) and holds the first customer delivery until let go. */
async function holdingBot() {
  const seen: string[] = [];
  let letGo!: () => void;
  const held = new Promise<void>((resolve) => (letGo = resolve));
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const activity = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { type?: string; from?: { name?: string; role?: string } };
      if (activity.from?.role === 'user' && activity.from.name !== 'Parley') {
        seen.push(`${activity.from.name} ${activity.type}`);
        if (seen.length === 1) await held;
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { endpoint: `http://127.0.0.1:${port}/api/messages`, seen, letGo, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const drivers: [string, () => { store: string; redisPrefix?: string }][] = [
  ['sqlite', () => ({ store: 'sqlite::memory:' })],
  ['redis', () => ({ store: REDIS_URL, redisPrefix: redisPrefix() })],
];

async function until(what: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !what(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(what()).toBe(true);
}

describe.each(drivers)('outbox fairness by address, through the bridge: %s', (_name, driver) => {
  it("greets a second address's customer right after the busy address's current delivery, before its other chats", async () => {
    const bot = await holdingBot();
    const storeConfig = driver();
    const b = await startBridge({ ...storeConfig, gateway: { url: emu.url }, bot: { endpoint: bot.endpoint }, limits: OFF, trustProxy: ['127.0.0.1'], outbox: { concurrency: 1 } });
    const start = async (nickname: string, from: string) =>
      (
        await http(`${b.url}/api/v2/chats`, {
          method: 'POST',
          headers: { ContactCenterId: CC_ID, 'X-Forwarded-For': from },
          json: { operationName: 'RequestChat', nickname, userData: {} },
        })
      ).body.id as string;
    try {
      // The busy address: its first chat's greeting is held by the bot, so the rest queue up behind it.
      const first = await start('busy-0', '198.51.100.7');
      await until(() => bot.seen.length === 1);
      for (let i = 1; i <= 5; i++) await start(`busy-${i}`, '198.51.100.7');
      for (let i = 0; i < 3; i++)
        await http(`${b.url}/api/v2/chats/${first}`, {
          method: 'POST',
          headers: { ContactCenterId: CC_ID, 'X-Forwarded-For': '198.51.100.7' },
          json: { operationName: 'SendMessage', text: `more ${i}`, clientMessageId: `m${i}` },
        });
      // Then a customer from another address.
      await start('customer', '203.0.113.9');
      bot.letGo();
      await until(() => bot.seen.includes('customer conversationUpdate'));
      expect(bot.seen.slice(0, 2)).toEqual(['busy-0 conversationUpdate', 'customer conversationUpdate']);
      // The busy address still gets everything, after.
      await until(() => bot.seen.length === 10);
    } finally {
      bot.letGo();
      await b.close();
      if (storeConfig.redisPrefix) await dropRedisPrefix(storeConfig.redisPrefix);
      await bot.close();
    }
  });
});
