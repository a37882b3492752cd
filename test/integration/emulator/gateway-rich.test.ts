// Cards and files on the emulator's Chat Gateway: the attachment upload and content, messages
// with attachments and cards (checked like the rest of a message), MESSAGE webhooks carrying them
// (an agent's with a preSignedUrl the emulator serves for a while; the channel's echoed), signed
// as every delivery; and the agent API showing what the channel posted.
import { signFileUrl } from '../../../bot-bridge/customer-chat-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  API_KEY,
  PNG_1PX,
  agentClient,
  eventually,
  formOf,
  http,
  startEmulator,
  webhookSignatureValid,
  type RunningEmulator,
  type TestFile,
  resetEmulator,
} from '../../support/emulator';
import { startReceiver } from '../../support/webhook-receiver';

let emu: RunningEmulator;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let agent: ReturnType<typeof agentClient>;
const gw = (path: string, init: Parameters<typeof http>[1] = {}) =>
  http(`${emu.url}/chat-gateway/v1${path}`, { ...init, headers: { 'x-api-key': API_KEY, ...(init.headers as Record<string, string>) } });

beforeAll(async () => {
  emu = await startEmulator();
  receiver = await startReceiver();
  agent = agentClient(emu.url);
});
afterAll(async () => {
  await emu.close();
  await receiver.close();
});
beforeEach(async () => {
  await resetEmulator(emu.url);
  receiver.reset();
});

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';
const adaptiveCard = {
  type: 'AdaptiveCard',
  version: '1.5',
  body: [
    { type: 'TextBlock', text: 'Your order', weight: 'Bolder', size: 'Medium' },
    { type: 'TextBlock', text: 'Arrives Tuesday', wrap: true },
    { type: 'FactSet', facts: [{ title: 'Order', value: 'A-1001' }] },
    { type: 'Image', url: 'https://shop.example/box.png', altText: 'The parcel' },
    { type: 'Container', items: [{ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'Thanks for ' }, 'waiting'] }] },
    { type: 'Unknown.Element', fallback: { type: 'TextBlock', text: 'A fallback line' } },
  ],
  actions: [
    { type: 'Action.OpenUrl', title: 'Track', url: 'https://track.example/A-1001' },
    { type: 'Action.Submit', title: 'Change address', data: { action: 'address' } },
  ],
};
const quickReplies = { contentType: 'application/8x8.quick.replies', content: { options: [{ title: 'Yes', data: { postback: 'yes' } }, { title: 'No' }] } };

async function conversation(extra: Record<string, unknown> = {}) {
  const webhook = await gw('/webhooks', { method: 'POST', json: { name: 'bridge', uri: receiver.url } });
  const channel = await gw('/channels', { method: 'POST', json: { name: 'bot', webHookId: webhook.body.id, routingOptions: { type: 'queue', id: 'support' } } });
  const r = await gw('/conversations', { method: 'POST', json: { channelId: channel.body.id, user: { name: 'James' }, ...extra } });
  expect(r.status).toBe(202);
  return r.body.conversationId as string;
}

const upload = (id: string, file: TestFile | null, fields: Record<string, string> = { authorType: 'user' }, field = 'attachment') =>
  gw(`/conversations/${id}/attachments`, { method: 'POST', body: formOf(field, file, fields) });

const messages = () => receiver.deliveries.filter((d) => d.body?.eventType === 'MESSAGE');

describe('POST /conversations/{id}/attachments', () => {
  it('stores a file and answers { id, filename, sizeInBytes }; GET …/content serves it with the API key', async () => {
    const id = await conversation();
    const r = await upload(id, { bytes: PNG_1PX, name: 'photo.png', type: 'image/png' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id: expect.any(String), filename: 'photo.png', sizeInBytes: PNG_1PX.length });
    const content = await fetch(`${emu.url}/chat-gateway/v1/conversations/${id}/attachments/${r.body.id}/content`, { headers: { 'x-api-key': API_KEY } });
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toBe('image/png');
    expect(content.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await content.arrayBuffer())).toEqual(PNG_1PX);
    expect((await http(`${emu.url}/chat-gateway/v1/conversations/${id}/attachments/${r.body.id}/content`)).status).toBe(401);
  });

  it('takes any type, but serves what it cannot read from the bytes as a download of application/octet-stream', async () => {
    const id = await conversation();
    const r = await upload(id, { bytes: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff]), name: 'photos.zip', type: 'image/png' }, { authorType: 'bot' });
    expect(r.status).toBe(200);
    const content = await fetch(`${emu.url}/chat-gateway/v1/conversations/${id}/attachments/${r.body.id}/content`, { headers: { 'x-api-key': API_KEY } });
    expect(content.headers.get('content-type')).toBe('application/octet-stream');
    expect(content.headers.get('content-disposition')).toMatch(/^attachment; filename="photos.zip"/);
  });

  it('refuses a missing or wrong authorType, no file, a file over 10 MB, an unknown or idle conversation', async () => {
    const id = await conversation();
    const file = { bytes: PNG_1PX, name: 'a.png' };
    expect((await upload(id, file, {})).body.message).toMatch(/Invalid authorType=undefined/);
    expect((await upload(id, file, { authorType: 'agent' })).status).toBe(400);
    const none = await upload(id, null);
    expect(none.status).toBe(400);
    expect(none.body.message).toMatch(/No file: send one part named "attachment"/);
    expect((await upload(id, file, { authorType: 'user' }, 'file')).status).toBe(400);
    const big = await upload(id, { bytes: Buffer.alloc(10 * 1024 * 1024 + 1), name: 'big.bin' });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await upload('nope', file)).status).toBe(404);
    await gw(`/conversations/${id}/participants/user`, { method: 'PATCH', json: { removed: true } });
    expect((await upload(id, file)).status).toBe(409);
    expect((await gw(`/conversations/${id}/attachments/nope/content`)).status).toBe(404);
  });

  it('keeps each conversation\u2019s files to itself', async () => {
    const a = await conversation();
    const b = await conversation();
    const file = (await upload(a, { bytes: PNG_1PX, name: 'a.png' })).body;
    expect((await gw(`/conversations/${b}/attachments/${file.id}/content`)).status).toBe(404);
    const r = await gw(`/conversations/${b}/messages`, { method: 'POST', json: { authorType: 'user', attachments: [{ id: file.id }] } });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual({ code: 'invalid_json_object', message: expect.stringMatching(/does not exist in this conversation/) });
  });
});

describe('messages with attachments and cards', () => {
  it('takes a message with only attachments or only cards, and checks them like the rest', async () => {
    const id = await conversation();
    const file = (await upload(id, { bytes: PNG_1PX, name: 'a.png' })).body;
    const post = (json: unknown) => gw(`/conversations/${id}/messages`, { method: 'POST', json });
    expect((await post({ authorType: 'user', attachments: [{ id: file.id }] })).status).toBe(202);
    expect((await post({ authorType: 'bot', cards: [{ contentType: ADAPTIVE, content: adaptiveCard }] })).status).toBe(202);
    const refusals: [unknown, RegExp][] = [
      [{ authorType: 'user' }, /needs text, cards or attachments/],
      [{ authorType: 'bot', cards: {} }, /cards must be an array/],
      [{ authorType: 'bot', cards: [{ content: {} }] }, /cards\[0\]\.contentType/],
      [{ authorType: 'bot', cards: [{ contentType: ADAPTIVE, content: 'x' }] }, /cards\[0\]\.content must be an object/],
      [{ authorType: 'bot', cards: Array.from({ length: 21 }, () => quickReplies) }, /at most 20/],
      [{ authorType: 'user', attachments: [{}] }, /attachments\[0\]\.id must be a string/],
      [{ authorType: 'user', attachments: [{ id: 'nope' }] }, /Attachment nope does not exist/],
    ];
    for (const [json, message] of refusals) {
      const r = await post(json);
      expect(r.status, String(message)).toBe(400);
      expect(r.body.errors.message).toMatch(message);
    }
    const listed = (await gw(`/conversations/${id}/messages?sort=createdAt:asc`)).body._embedded.messages;
    expect(listed.map((m: any) => ({ attachments: m.attachments, cards: m.cards?.map((c: any) => c.contentType) }))).toEqual([
      { attachments: [{ id: file.id }], cards: undefined },
      { attachments: undefined, cards: [ADAPTIVE] },
    ]);
  });

  it('echoes the channel\u2019s files and cards on MESSAGE webhooks, with preSignedUrls that work', async () => {
    const id = await conversation();
    const file = (await upload(id, { bytes: PNG_1PX, name: 'photo.png' })).body;
    await gw(`/conversations/${id}/messages`, { method: 'POST', json: { authorType: 'user', text: 'Broken', attachments: [{ id: file.id }] } });
    await gw(`/conversations/${id}/messages`, { method: 'POST', json: { authorType: 'bot', text: '', cards: [{ contentType: ADAPTIVE, content: adaptiveCard }, quickReplies] } });
    await eventually(() => expect(messages()).toHaveLength(2));
    const [user, bot] = messages().map((d) => d.body.data);
    expect(user).toEqual({
      isEcho: true,
      sender: { id: 'user', type: 'user' },
      text: 'Broken',
      attachments: [
        { id: file.id, type: 'image/png', preSignedUrl: expect.stringMatching(new RegExp(`^${emu.url}/files/${file.id}\\?expires=\\d+&token=`)), fileName: 'photo.png' },
      ],
    });
    expect(bot).toEqual({ isEcho: true, sender: { id: 'bot', type: 'bot' }, text: '', cards: [{ contentType: ADAPTIVE, content: adaptiveCard }, quickReplies] });
    const fetched = await fetch(user.attachments[0].preSignedUrl);
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer())).toEqual(PNG_1PX);
  });

  it('sends an agent\u2019s file and cards on a signed MESSAGE webhook; the preSignedUrl expires', async () => {
    const id = await conversation();
    await agent.accept(id);
    const sent = await agent.sendFile(id, { bytes: PNG_1PX, name: 'label.png' }, 'Here is the label');
    expect(sent.status).toBe(200);
    const card = { title: 'Return label', facts: [{ title: 'Order', value: 'A-1001' }], buttons: [{ type: 'openUrl', title: 'Print', value: 'https://shop.example/print' }] };
    expect((await agent.post(`/interactions/${id}/messages`, { text: 'Details', cards: [card] })).status).toBe(200);
    await eventually(() => expect(messages()).toHaveLength(2));
    const [withFile, withCard] = messages();
    expect(withFile!.body.data).toEqual({
      isEcho: false,
      sender: { id: 'agent-kristi', type: 'agent' },
      text: 'Here is the label',
      attachments: [{ id: sent.body.file.id, type: 'image/png', preSignedUrl: expect.any(String), fileName: 'label.png' }],
    });
    expect(withCard!.body.data).toEqual({
      isEcho: false,
      sender: { id: 'agent-kristi', type: 'agent' },
      text: 'Details',
      cards: [
        {
          contentType: ADAPTIVE,
          content: {
            type: 'AdaptiveCard',
            version: '1.5',
            body: [
              { type: 'TextBlock', text: 'Return label', weight: 'Bolder', size: 'Medium', wrap: true },
              { type: 'FactSet', facts: [{ title: 'Order', value: 'A-1001' }] },
            ],
            actions: [{ type: 'Action.OpenUrl', title: 'Print', url: 'https://shop.example/print' }],
          },
        },
      ],
    });
    for (const d of [withFile!, withCard!]) expect(await webhookSignatureValid(emu.url, d.raw, d.headers)).toBe(true);
    const tampered = Buffer.from(withFile!.raw.toString().replace('label.png', 'labeL.png'));
    expect(await webhookSignatureValid(emu.url, tampered, withFile!.headers)).toBe(false);

    const url = new URL(withFile!.body.data.attachments[0].preSignedUrl);
    expect((await fetch(url)).status).toBe(200);
    const fileId = sent.body.file.id as string;
    const expired = `${emu.url}/files/${fileId}?${signFileUrl(emu.files.secret, fileId, Date.now() - 16 * 60_000)}`;
    expect((await fetch(expired)).status).toBe(403);
    const gatewayMessages = (await gw(`/conversations/${id}/messages?sort=createdAt:asc`)).body._embedded.messages;
    expect(gatewayMessages.map((m: any) => m.attachments ?? m.cards?.length)).toEqual([[{ id: fileId }], 1]);
  });

  it('keeps history cards, and refuses history attachments (no file exists before the conversation)', async () => {
    const refused = await gw('/conversations', { method: 'POST', json: { channelId: 'x', user: { name: 'J' } } });
    expect(refused.status).toBe(400);
    const id = await conversation({
      history: {
        messages: [
          { authorType: 'user', text: 'hi' },
          { authorType: 'bot', text: 'Pick one', cards: [{ contentType: ADAPTIVE, content: adaptiveCard }, quickReplies] },
        ],
      },
    });
    const seen = (await agent.transcript(id)).history;
    expect(seen[1]).toEqual({
      authorType: 'bot',
      text: 'Pick one',
      cards: [
        {
          title: 'Your order',
          text: 'Arrives Tuesday\nThanks for waiting\nA fallback line',
          facts: [{ title: 'Order', value: 'A-1001' }],
          images: [{ url: 'https://shop.example/box.png', alt: 'The parcel' }],
          buttons: [
            { type: 'openUrl', title: 'Track', value: 'https://track.example/A-1001' },
            { type: 'reply', title: 'Change address', value: { action: 'address' } },
          ],
        },
      ],
    });
    const webhook = await gw('/webhooks', { method: 'POST', json: { name: 'b', uri: receiver.url } });
    const channel = await gw('/channels', { method: 'POST', json: { name: 'c', webHookId: webhook.body.id, routingOptions: { type: 'queue', id: 'support' } } });
    const withFile = await gw('/conversations', {
      method: 'POST',
      json: { channelId: channel.body.id, user: { name: 'J' }, history: { messages: [{ authorType: 'user', text: 'x', attachments: [{ id: 'a' }] }] } },
    });
    expect(withFile.status).toBe(400);
    expect(withFile.body.message).toMatch(/upload files after creating the conversation/);
  });
});

describe('what the agent sees of a handover', () => {
  it('shows the bot\u2019s cards and quick replies, the customer\u2019s files and the bridge\u2019s transcript lines', async () => {
    const id = await conversation({ history: { messages: [{ authorType: 'bot', text: '[Card] Your order · Arrives Tuesday' }] } });
    const file = (await upload(id, { bytes: PNG_1PX, name: 'photo.png' })).body;
    await gw(`/conversations/${id}/messages`, { method: 'POST', json: { authorType: 'user', text: 'See the photo', attachments: [{ id: file.id }] } });
    await gw(`/conversations/${id}/messages`, {
      method: 'POST',
      json: { authorType: 'bot', text: 'Anything else?', cards: [quickReplies, { contentType: 'application/vnd.example.unknown', content: {} }] },
    });
    const transcript = await agent.transcript(id);
    expect(transcript.history).toEqual([{ authorType: 'bot', text: '[Card] Your order · Arrives Tuesday' }]);
    const texts = transcript.messages.filter((m: any) => m.type === 'Text');
    expect(texts[0]).toMatchObject({
      text: 'See the photo',
      from: { type: 'Customer' },
      attachments: [{ id: file.id, name: 'photo.png', contentType: 'image/png', url: expect.stringMatching(/^\/files\//) }],
    });
    expect(texts[1]).toMatchObject({
      text: 'Anything else?',
      from: { type: 'External' },
      quickReplies: [
        { title: 'Yes', payload: 'yes' },
        { title: 'No', payload: 'No' },
      ],
      cards: [{ text: '(A card of type application/vnd.example.unknown that the emulator does not show)' }],
    });
    expect((await fetch(`${emu.url}${texts[0].attachments[0].url}`)).status).toBe(200);
  });
});
