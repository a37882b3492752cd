// Verifies the emulator's webhook signatures with an independent JWS library (jose) and an
// independent CRC-32, exactly as protocols/chat-gateway.md tells a receiver to.
import { exportJWK, flattenedVerify, generateKeyPair, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, agentClient, eventually, http, startEmulator, type RunningEmulator } from '../../support/emulator';
import { startReceiver, type Delivery } from '../../support/webhook-receiver';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function detachedPayload(raw: Uint8Array, h: Record<string, string>): string {
  return (
    `{"checksum":${crc32(raw)},"cid":${JSON.stringify(h['x-8x8-customer-id'])},"eid":${JSON.stringify(h['x-8x8-event-id'])},` +
    `"retry":${Number(h['x-8x8-retry'])},"tid":${JSON.stringify(h['x-8x8-tenant-id'])},"tt":${Number(h['x-8x8-transmission-time'])}}`
  );
}

async function verify(raw: Uint8Array, headers: Record<string, string>, jwk: JWK): Promise<boolean> {
  const [protectedHeader, empty, signature] = headers['x-8x8-signature']!.split('.');
  if (empty !== '') return false;
  try {
    const key = await importJWK(jwk, 'RS256');
    await flattenedVerify({ protected: protectedHeader!, payload: detachedPayload(raw, headers), signature: signature! }, key, { algorithms: ['RS256'] });
    return true;
  } catch {
    return false;
  }
}

let emu: RunningEmulator;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let deliveries: Delivery[];
let jwk: JWK;

beforeAll(async () => {
  emu = await startEmulator();
  receiver = await startReceiver();
  const gw = (path: string, json: unknown) => http(`${emu.url}/chat-gateway/v1${path}`, { method: 'POST', headers: { 'x-api-key': API_KEY }, json });
  const webhook = await gw('/webhooks', { name: 'sig', uri: receiver.url });
  const channel = await gw('/channels', { name: 'sig', webHookId: webhook.body.id, routingOptions: { type: 'queue', id: 'support' } });
  // Non-ASCII text makes the CRC cover multi-byte characters exactly as sent.
  const conversation = await gw('/conversations', { channelId: channel.body.id, user: { name: 'Zoë Ångström', additionalProperties: [{ key: 'Note', value: '日本語 ✓' }] } });
  const agent = agentClient(emu.url);
  await agent.accept(conversation.body.conversationId, 'agent-1', 'Renée');
  await agent.say(conversation.body.conversationId, 'Grüß dich — ¿qué tal? 🎉');
  await eventually(() => expect(receiver.events().length).toBeGreaterThanOrEqual(6));
  deliveries = receiver.deliveries;
  const header = JSON.parse(Buffer.from(deliveries[0]!.headers['x-8x8-signature']!.toString().split('.')[0]!, 'base64url').toString());
  jwk = (await http(`${emu.url}/chat-gateway/v1/jwk/${header.kid}/public`)).body;
});
afterAll(async () => {
  await emu.close();
  await receiver.close();
});

const headersOf = (d: Delivery) => d.headers as Record<string, string>;

describe('webhook signatures', () => {
  it('carries a detached, unencoded RS256 JWS header', () => {
    const header = JSON.parse(Buffer.from(headersOf(deliveries[0]!)['x-8x8-signature']!.split('.')[0]!, 'base64url').toString());
    expect(header).toEqual({ b64: false, crit: ['b64'], kid: emu.signer.kid, alg: 'RS256' });
  });

  it('verifies every delivery over its raw body with the published key', async () => {
    expect(deliveries.length).toBeGreaterThanOrEqual(6);
    for (const d of deliveries) expect(await verify(d.raw, headersOf(d), jwk), d.body?.eventType).toBe(true);
  });

  it('fails when one byte of the body changes', async () => {
    const d = deliveries.find((x) => x.body?.eventType === 'MESSAGE')!;
    const tampered = Buffer.from(d.raw);
    tampered[tampered.length - 3]! ^= 0x01;
    expect(await verify(tampered, headersOf(d), jwk)).toBe(false);
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(d.raw.toString()), null, 1));
    expect(await verify(reserialised, headersOf(d), jwk)).toBe(false);
  });

  it('fails with another key', async () => {
    const { publicKey } = await generateKeyPair('RS256', { extractable: true });
    const other: JWK = { ...(await exportJWK(publicKey)), kid: jwk.kid! };
    expect(await verify(deliveries[0]!.raw, headersOf(deliveries[0]!), other)).toBe(false);
  });

  it.each(['x-8x8-event-id', 'x-8x8-retry', 'x-8x8-transmission-time', 'x-8x8-tenant-id', 'x-8x8-customer-id'])('fails when %s changes', async (name) => {
    const d = deliveries[1]!;
    const original = headersOf(d)[name]!;
    const changed = /^\d+$/.test(original) ? String(Number(original) + 1) : `${original}x`;
    expect(await verify(d.raw, { ...headersOf(d), [name]: changed }, jwk)).toBe(false);
  });
});
