// /metrics over real HTTP: its series stay bounded whatever the webhook route is sent, and who may
// read it (open on loopback, off on a public address unless METRICS_TOKEN or METRICS_PORT says how).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../support/emulator';
import { startBridge, type RunningBridge } from '../../support/bridge';
import type { BridgeConfig } from '../../../bot-bridge/config';
import type { DeepPartial } from '../../support/bridge-config';

const TOKEN = 'metrics-token-0123456789';
let emu: RunningEmulator;
const bridges: RunningBridge[] = [];

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  for (const b of bridges) await b.close();
  await emu?.close();
});

async function bridgeWith(overrides: DeepPartial<BridgeConfig>): Promise<RunningBridge> {
  const b = await startBridge({ gateway: { url: emu.url }, ...overrides }, { waitReady: false });
  bridges.push(b);
  return b;
}

const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers }).then(async (r) => ({ status: r.status, text: await r.text() }));

describe('metric series', () => {
  it('stay bounded when 2,000 unsigned webhooks each name a new event type', async () => {
    const b = await bridgeWith({});
    const post = (eventType: string) =>
      fetch(`${b.url}/webhooks/chat-gateway`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ eventType, conversationId: 'c' }) }).then(
        (r) => r.status,
      );
    for (let i = 0; i < 2000; i += 100) {
      const statuses = await Promise.all(Array.from({ length: 100 }, () => post(`EVIL_${randomBytes(6).toString('hex')}`)));
      expect(new Set(statuses)).toEqual(new Set([401]));
    }
    const lines = (await get(`${b.url}/metrics`)).text.split('\n').filter((l) => l.startsWith('parley_webhook_events_total{'));
    expect(lines.length).toBeLessThanOrEqual(3);
    const refused = lines.filter((l) => l.includes('result="unsigned"'));
    expect(refused.reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0)).toBe(2000);
    expect(lines.join('\n')).not.toContain('EVIL_');
  });
});

describe('who may read /metrics', () => {
  it('is open on the public port while the bridge listens on loopback (development, tests)', async () => {
    const b = await bridgeWith({});
    const r = await get(`${b.url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.text).toContain('parley_outbox_depth');
  });

  it('is off on a bridge that listens on a public address, until a token or an admin port is set', async () => {
    const b = await bridgeWith({ host: '0.0.0.0' });
    const r = await get(`${b.url}/metrics`);
    expect(r.status).toBe(404);
    expect(r.text).not.toContain('parley_');
    expect((await get(`${b.url}/healthz`)).status).toBe(200);
    expect(JSON.parse((await get(`${b.url}/`)).text).endpoints.metrics).toBeUndefined();
  });

  it('asks for the Bearer token when METRICS_TOKEN is set', async () => {
    const b = await bridgeWith({ host: '0.0.0.0', metrics: { token: TOKEN } });
    for (const headers of [{}, { authorization: 'Bearer wrong-token-0123456789' }, { authorization: TOKEN }, { authorization: `Basic ${TOKEN}` }]) {
      const r = await get(`${b.url}/metrics`, headers);
      expect(r.status, JSON.stringify(headers)).toBe(401);
      expect(r.text).not.toContain('parley_');
    }
    const ok = await get(`${b.url}/metrics`, { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('parley_sessions');
  });

  it('moves to the admin port when METRICS_PORT is set (with the token, when there is one)', async () => {
    const b = await bridgeWith({ metrics: { port: 0 } });
    expect(b.adminUrl).not.toBeNull();
    expect((await get(`${b.url}/metrics`)).status).toBe(404);
    const r = await get(`${b.adminUrl}/metrics`);
    expect(r.status).toBe(200);
    expect(r.text).toContain('parley_outbox_depth');
    expect((await get(`${b.adminUrl}/healthz`)).status).toBe(200);
    expect((await get(`${b.adminUrl}/api/v2/chat-script`)).status).toBe(404);

    const both = await bridgeWith({ metrics: { port: 0, token: TOKEN } });
    expect((await get(`${both.adminUrl}/metrics`)).status).toBe(401);
    expect((await get(`${both.adminUrl}/metrics`, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await get(`${both.url}/metrics`, { authorization: `Bearer ${TOKEN}` })).status).toBe(404);
  });
});
