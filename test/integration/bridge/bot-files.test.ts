// Files both ways through the bridge, with a bot on the real botbuilder SDK: a customer's upload
// (limits, types read from the bytes, clear 413 / 415 errors), served through signed short-lived
// links; the customer's file reaching the bot as an attachment it can fetch; the bot's copy coming
// back through the Bot Connector attachments API; inline data: URLs; https files as links.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG_1PX, agentClient, chatClient, eventually, http, startEmulator, type RunningEmulator } from '../../support/emulator';
import { startBridge, type RunningBridge } from '../../support/bridge';
import { startRecordingBot, type RecordingBot } from '../../support/recording-bot';

type Entry = Record<string, any>;
let emu: RunningEmulator;
let bot: RecordingBot;
let bridge: RunningBridge;
let chat: ReturnType<typeof chatClient>;

beforeAll(async () => {
  [emu, bot] = await Promise.all([startEmulator(), startRecordingBot()]);
  bridge = await startBridge({ gateway: { url: emu.url }, bot: { endpoint: bot.endpoint } });
  chat = chatClient(bridge.url);
});
afterAll(async () => {
  await bridge?.close();
  await bot?.close();
  await emu?.close();
});

const entries = async (id: string) => (await chat.messages(id, 1)).body.messages as Entry[];
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

describe('customer uploads', () => {
  it('are taken by their bytes, within limits, with clear errors', async () => {
    const id = await chat.requestChat({ nickname: 'Fay' });
    expect((await chat.chat(id)).body.chat.extensions.files).toEqual({ maxBytes: 10 * 1024 * 1024, contentTypes: expect.arrayContaining(['image/png', 'application/pdf']) });
    const ok = await chat.upload(id, { bytes: PNG_1PX, name: '../../etc/broken.png', type: 'text/html' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.file).toMatchObject({
      name: 'broken.png',
      contentType: 'image/png',
      size: PNG_1PX.length,
      url: expect.stringMatching(/\/api\/v2\/files\/[0-9a-f-]{36}\?expires=\d+&token=/),
    });
    const served = await fetch(ok.body.file.url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG_1PX);
    const pdf = await chat.upload(id, { bytes: PDF, name: 'invoice.pdf' });
    expect((await fetch(pdf.body.file.url)).headers.get('content-disposition')).toMatch(/^attachment;/);

    const forged = ok.body.file.url.replace(/token=[^&]+/, 'token=AAAA');
    expect((await fetch(forged)).status).toBe(403);
    const expired = ok.body.file.url.replace(/expires=\d+/, 'expires=1000');
    expect((await fetch(expired)).status).toBe(403);

    const html = await chat.upload(id, { bytes: Buffer.from([0x00, 0x01, 0x02, 0xff]), name: 'x.png', type: 'image/png' });
    expect([html.status, html.body.statusCode]).toEqual([415, 9]);
    const big = await chat.upload(id, { bytes: Buffer.concat([PNG_1PX, Buffer.alloc(10 * 1024 * 1024)]), name: 'big.png' });
    expect([big.status, big.body.statusCode]).toEqual([413, 8]);
    const wrongField = await chat.upload(id, { bytes: PNG_1PX, name: 'a.png' }, 'picture');
    expect(wrongField.status).toBe(400);
    const other = await chat.requestChat({ nickname: 'Gus' });
    const theirs = await chat.sendFiles(other, [ok.body.file.id]);
    expect([theirs.status, theirs.body.statusCode]).toEqual([400, 1]);
  });
});

describe('files between the customer and the bot', () => {
  it('the customer’s file reaches the bot as an attachment it fetches; its copy comes back through the attachments API', async () => {
    const id = await chat.requestChat({ nickname: 'Hal' });
    const up = await chat.upload(id, { bytes: PNG_1PX, name: 'photo.png' });
    expect((await chat.sendFiles(id, [up.body.file.id], { text: 'my broken product' })).status).toBe(200);
    const mine = await eventually(async () => (await entries(id)).find((e) => e.type === 'Text' && e.from.type === 'Customer') ?? Promise.reject(new Error('no entry')));
    expect(mine).toMatchObject({
      body: 'my broken product',
      text: 'my broken product\nFile: photo.png',
      attachments: [{ id: up.body.file.id, name: 'photo.png', contentType: 'image/png' }],
    });
    const got = await eventually(() => bot.received.find((a) => a.type === 'message' && a.attachments?.length) ?? Promise.reject(new Error('the bot got nothing')));
    expect(got.text).toBe('my broken product');
    expect(got.attachments![0]).toMatchObject({ name: 'photo.png', contentType: 'image/png', contentUrl: expect.stringMatching(/token=/) });
    const reply = await eventually(
      async () => (await entries(id)).find((e) => e.from.type === 'External' && /got \d+ bytes/.test(e.text ?? '')) ?? Promise.reject(new Error('no reply')),
    );
    expect(reply.text).toBe(`got ${PNG_1PX.length} bytes\nFile: copy of photo.png`);
    expect(reply.body).toBe(`got ${PNG_1PX.length} bytes`);
    expect(reply.attachments).toEqual([{ id: expect.any(String), name: 'copy of photo.png', contentType: 'image/png', size: PNG_1PX.length, url: expect.stringMatching(/^http/) }]);
    expect(Buffer.from(await (await fetch(reply.attachments[0].url)).arrayBuffer())).toEqual(PNG_1PX);
  });

  it('inline data: URLs become the chat’s files; https files are links; the attachments API is the chat’s bot’s only', async () => {
    const id = await chat.requestChat({ nickname: 'Ida' });
    const session = (await bridge.bridge.sessions.get(id))!;
    const base = `${bridge.url}/bot/${session.botToken}/v3`;
    const post = (activity: object) =>
      http(`${base}/conversations/${session.botConversationId}/activities`, { method: 'POST', json: { ...activity, from: { id: 'bot', name: 'Bot' } } });
    const inline = await post({
      type: 'message',
      text: 'inline',
      attachments: [
        { contentType: 'image/png', name: 'dot.png', contentUrl: `data:image/png;base64,${PNG_1PX.toString('base64')}` },
        { contentType: 'image/png', name: 'web.png', contentUrl: 'https://files.example/web.png' },
        { contentType: 'application/pdf', name: 'terms.pdf', contentUrl: 'https://files.example/terms.pdf' },
      ],
    });
    expect(inline.status).toBe(200);
    const entry = await eventually(async () => (await entries(id)).find((e) => e.text?.startsWith('inline')) ?? Promise.reject(new Error('not yet')));
    expect(entry.attachments).toEqual([expect.objectContaining({ name: 'dot.png', contentType: 'image/png', size: PNG_1PX.length })]);
    expect(entry.cards).toEqual([
      { images: [{ url: 'https://files.example/web.png', alt: 'web.png' }] },
      { text: 'terms.pdf', buttons: [{ type: 'openUrl', title: 'Download terms.pdf', value: 'https://files.example/terms.pdf' }] },
    ]);

    const uploaded = await http(`${base}/conversations/${session.botConversationId}/attachments`, {
      method: 'POST',
      json: { type: 'image/png', name: 'up.png', originalBase64: PNG_1PX.toString('base64') },
    });
    expect(uploaded.status).toBe(200);
    const view = await fetch(`${base}/attachments/${uploaded.body.id}/views/original`);
    expect(Buffer.from(await view.arrayBuffer())).toEqual(PNG_1PX);
    expect((await http(`${base}/attachments/${uploaded.body.id}`)).body).toEqual({ name: 'up.png', type: 'image/png', views: [{ viewId: 'original', size: PNG_1PX.length }] });
    expect((await fetch(`${bridge.url}/v3/attachments/${uploaded.body.id}/views/original`)).status).toBe(404);
    const other = (await bridge.bridge.sessions.get(await chat.requestChat({ nickname: 'Jo' })))!;
    expect((await fetch(`${bridge.url}/bot/${other.botToken}/v3/attachments/${uploaded.body.id}/views/original`)).status).toBe(404);
    const bad = await http(`${base}/conversations/${session.botConversationId}/attachments`, { method: 'POST', json: { type: 'image/png', originalBase64: '***' } });
    expect(bad.status).toBe(400);
  });
});

describe('files to the agent', () => {
  it('a customer’s file during a handover is uploaded to the gateway and sent with the message: the agent sees it', async () => {
    const id = await chat.requestChat({ nickname: 'Lev' });
    const session = (await bridge.bridge.sessions.get(id))!;
    const initiate = await http(`${bridge.url}/bot/${session.botToken}/v3/conversations/${session.botConversationId}/activities`, {
      method: 'POST',
      json: { type: 'event', name: 'handoff.initiate', value: { Reason: 'photo' }, from: { id: 'bot', role: 'bot' } },
    });
    expect(initiate.status).toBe(200);
    const interaction = await eventually(async () => (await agentClient(emu.url).list()).find((i) => i.customer.name === 'Lev') ?? Promise.reject(new Error('not yet')));
    const up = await chat.upload(id, { bytes: PNG_1PX, name: 'scratch.png' });
    expect((await chat.sendFiles(id, [up.body.file.id], { text: 'see the scratch' })).status).toBe(200);
    const seen = await eventually(
      async () => {
        const messages = (await agentClient(emu.url).transcript(interaction.id)).messages as Entry[];
        return messages.find((m) => m.attachments?.length) ?? Promise.reject(new Error(`no file yet: ${JSON.stringify(messages.map((m) => m.text))}`));
      },
      { timeoutMs: 8000 },
    );
    expect(seen.text).toContain('see the scratch');
    expect(seen.attachments).toEqual([expect.objectContaining({ name: 'scratch.png', contentType: 'image/png', size: PNG_1PX.length })]);
    expect(Buffer.from(await (await fetch(`${emu.url}${seen.attachments[0].url}`)).arrayBuffer())).toEqual(PNG_1PX);
  });
});

describe('the agent’s files and cards', () => {
  it('reach the customer: the file fetched from the gateway by id and stored, the cards in the card model', async () => {
    const id = await chat.requestChat({ nickname: 'Mia' });
    const session = (await bridge.bridge.sessions.get(id))!;
    await http(`${bridge.url}/bot/${session.botToken}/v3/conversations/${session.botConversationId}/activities`, {
      method: 'POST',
      json: { type: 'event', name: 'handoff.initiate', value: {}, from: { id: 'bot', role: 'bot' } },
    });
    const agent = agentClient(emu.url);
    const interaction = await eventually(async () => (await agent.list()).find((i) => i.customer.name === 'Mia') ?? Promise.reject(new Error('not yet')));
    await agent.accept(interaction.id);
    expect((await agent.sendFile(interaction.id, { bytes: PDF, name: 'label.pdf' }, 'Your return label')).status).toBeLessThan(300);
    const withFile = await eventually(async () => (await entries(id)).find((e) => e.from.type === 'Agent' && e.attachments?.length) ?? Promise.reject(new Error('no file yet')), {
      timeoutMs: 8000,
    });
    expect(withFile).toMatchObject({
      body: 'Your return label',
      text: 'Your return label\nFile: label.pdf',
      attachments: [{ name: 'label.pdf', contentType: 'application/pdf', size: PDF.length }],
    });
    expect(withFile.attachments[0].url.startsWith(bridge.url)).toBe(true);
    expect(Buffer.from(await (await fetch(withFile.attachments[0].url)).arrayBuffer())).toEqual(PDF);

    const card = { title: 'Order A-1', facts: [{ title: 'Status', value: 'Shipped' }], buttons: [{ type: 'openUrl', title: 'Track', value: 'https://track.example/A-1' }] };
    expect((await agent.post(`/interactions/${interaction.id}/messages`, { cards: [card] })).status).toBeLessThan(300);
    const withCard = await eventually(async () => (await entries(id)).find((e) => e.from.type === 'Agent' && e.cards?.length) ?? Promise.reject(new Error('no card yet')), {
      timeoutMs: 8000,
    });
    expect(withCard.cards).toEqual([
      { title: 'Order A-1', facts: [{ title: 'Status', value: 'Shipped' }], buttons: [{ type: 'openUrl', title: 'Track', value: 'https://track.example/A-1' }] },
    ]);
    expect(withCard.text).toBe('Order A-1\nStatus: Shipped\nTrack: https://track.example/A-1');
  });
});
