// SSRF through the generic handover API's callbackUrl (issue 13 §3): the bridge POSTs callbacks
// wherever a caller says, so a callbackUrl at an internal address (here the emulator's reset
// endpoint, on loopback) must be refused in every spelling, names must be judged by what they
// resolve to, redirects must not be followed, and the dead-job list must not tell a closed port
// from an HTTP server or a Redis one. Loopback receivers stand for internal services.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_TAKEN } from '../../../bot-bridge/jobs/callback';
import { API_KEY, eventually, http, startEmulator, type RunningEmulator } from '../../support/emulator';
import { startBridge, type RunningBridge } from '../../support/bridge';
import { startReceiver } from '../../support/webhook-receiver';

const KEY = 'callback-ssrf-test-key-0042';
let emu: RunningEmulator;
let emuPort: string;
/** The default rules (http allowed, as tests need; private addresses not). */
let strict: RunningBridge;
/** The test-only allowance (CALLBACK_ALLOW_PRIVATE): loopback receivers reachable. */
let lax: RunningBridge;

beforeAll(async () => {
  emu = await startEmulator();
  emuPort = new URL(emu.url).port;
  const common = { gateway: { url: emu.url }, bot: { endpoint: 'http://127.0.0.1:9/api/messages' }, apiKey: KEY, availability: { cacheS: 0 }, outbox: { callbackMaxAgeS: 5 } };
  strict = await startBridge({ ...common, callback: { allowHttp: true, allowPrivate: false } });
  lax = await startBridge({ ...common, callback: { allowHttp: true, allowPrivate: true } });
});
afterAll(async () => {
  await strict?.close();
  await lax?.close();
  await emu?.close();
});

let n = 0;
const handover = (bridge: RunningBridge, callbackUrl: string) =>
  http(`${bridge.url}/v1/handovers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}` },
    json: { user: { name: `Sam ${++n}`, userId: `u-${n}-${Date.now()}` }, callbackUrl },
  });
const dead = async (bridge: RunningBridge) =>
  (await http(`${bridge.url}/v1/outbox/dead`, { headers: { authorization: `Bearer ${KEY}` } })).body.jobs as {
    kind: string;
    data: { sessionId?: string };
    error: string;
    lastError: string | null;
  }[];
/** The emulator still has the bridge's channel: it was not reset. */
const notReset = async (bridge: RunningBridge) => {
  const channel = await http(`${emu.url}/chat-gateway/v1/channels/${bridge.bridge.deps.setup!.channelId}`, { headers: { 'x-api-key': API_KEY } });
  expect(channel.status).toBe(200);
};

describe('a callbackUrl at an internal address', () => {
  it.each([
    ['the emulator reset endpoint on 127.0.0.1', () => `http://127.0.0.1:${emuPort}/emulator/api/reset`],
    ['decimal IPv4', () => `http://2130706433:${emuPort}/emulator/api/reset`],
    ['octal IPv4', () => `http://0177.0.0.1:${emuPort}/emulator/api/reset`],
    ['hex IPv4', () => `http://0x7f.0.0.1:${emuPort}/emulator/api/reset`],
    ['IPv4-mapped IPv6', () => `http://[::ffff:127.0.0.1]:${emuPort}/emulator/api/reset`],
    ['IPv6 loopback', () => `http://[::1]:${emuPort}/emulator/api/reset`],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
    ['a private address', () => 'http://10.0.0.7:6379/'],
  ])('is refused with 400 when it is %s, and nothing is called', async (_name, url) => {
    const response = await handover(strict, url());
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/callbackUrl.*(loopback|link-local|private)/) });
    await notReset(strict);
  });

  it('given as a name that resolves to loopback (localhost), is never called, and its dead job says only that it was not taken', async () => {
    const created = await handover(strict, `http://localhost:${emuPort}/emulator/api/reset`);
    expect(created.status).toBe(202);
    const mine = await eventually(
      async () => {
        const jobs = (await dead(strict)).filter((j) => j.kind === 'callback.send' && j.data.sessionId === created.body.id);
        if (jobs.length === 0) throw new Error('no dead callback yet');
        return jobs;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    for (const job of mine) {
      expect(job.error).toBe(`${NOT_TAKEN} within 5 s`);
      expect(job.lastError ?? NOT_TAKEN).toBe(NOT_TAKEN);
    }
    await notReset(strict);
    // The handover itself went ahead (only its callbacks were refused): its conversation is at the gateway.
    const view = await http(`${strict.url}/v1/handovers/${created.body.id}`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(emu.gateway.conversations.has(view.body.conversationId)).toBe(true);
  });
});

describe('what the dead-job list tells', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  it('is the same for a closed port, an HTTP server, a Redis server and a redirect (never followed)', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const notFound = await startReceiver();
    notFound.failAlways(404);
    const target = await startReceiver();
    const redirect = createServer((req, res) => {
      req.resume();
      res.writeHead(307, { location: target.url }).end();
    });
    await new Promise<void>((r) => redirect.listen(0, '127.0.0.1', r));
    servers.push(redirect);
    const urls = {
      closed: `http://127.0.0.1:${closedPort}/cb`,
      http404: notFound.url,
      redis: 'http://127.0.0.1:6379/cb',
      redirect: `http://127.0.0.1:${(redirect.address() as AddressInfo).port}/cb`,
    };
    const ids: Record<string, string> = {};
    for (const [name, url] of Object.entries(urls)) {
      const created = await handover(lax, url);
      expect(created.status).toBe(202);
      ids[name] = created.body.id;
    }
    const reasons = await eventually(
      async () => {
        const jobs = (await dead(lax)).filter((j) => j.kind === 'callback.send');
        const found = Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, jobs.find((j) => j.data.sessionId === id)]));
        if (Object.values(found).some((j) => !j)) throw new Error(`not all dead yet: ${JSON.stringify(Object.keys(found).filter((k) => !found[k]))}`);
        // Every dead callback of each handover (a later one dies at its first try: no lastError yet).
        return Object.fromEntries(
          Object.entries(ids).map(([name, id]) => [name, [...new Set(jobs.filter((j) => j.data.sessionId === id).map((j) => `${j.error} | ${j.lastError ?? NOT_TAKEN}`))]]),
        );
      },
      { timeoutMs: 40_000, intervalMs: 250 },
    );
    const expected = [`${NOT_TAKEN} within 5 s | ${NOT_TAKEN}`];
    expect(reasons).toEqual({ closed: expected, http404: expected, redis: expected, redirect: expected });
    expect(notFound.deliveries.length).toBeGreaterThan(0);
    expect(target.deliveries).toEqual([]);
    await notFound.close();
    await target.close();
  });
});
