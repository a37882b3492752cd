// Files on the emulator's Customer Chat API (ext): the upload (limits, type by content, the
// ContactCenterId rules), SendMessage with attachments and a value, the signed expiring links and
// the headers files are served with, and, in direct mode, files both ways between the customer and
// the agent.
import { signFileUrl } from '../../../bot-bridge/customer-chat-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CC_ID, OTHER_CC_ID, PNG_1PX, agentClient, chatClient, formOf, http, startEmulator, type RunningEmulator, resetEmulator } from '../../support/emulator';

let emu: RunningEmulator;
let chat: ReturnType<typeof chatClient>;
let agent: ReturnType<typeof agentClient>;

beforeAll(async () => {
  emu = await startEmulator();
  chat = chatClient(emu.url);
  agent = agentClient(emu.url);
});
afterAll(() => emu.close());
beforeEach(() => resetEmulator(emu.url));

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const HTML = Buffer.from('<!doctype html><script>alert(document.cookie)</script>');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
const EXE = Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00]);
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0xff, 0xfe]);

async function uploaded(id: string, file = { bytes: PNG_1PX, name: 'broken.png', type: 'image/png' }) {
  const r = await chat.upload(id, file);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.file as { id: string; name: string; contentType: string; size: number; url: string };
}

describe('POST /api/v2/chats/{id}/files', () => {
  it('takes a picture and answers its id, name, type read from the bytes, size and a signed URL', async () => {
    const id = await chat.requestChat();
    const r = await chat.upload(id, { bytes: PNG_1PX, name: 'broken.png', type: 'application/x-whatever' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      statusCode: 0,
      file: {
        id: expect.any(String),
        name: 'broken.png',
        contentType: 'image/png',
        size: PNG_1PX.length,
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/files\/[\w-]+\?expires=\d+&token=[\w-]+$/),
      },
    });
    expect(r.body.file.url.startsWith(emu.url)).toBe(true);
  });

  it('reads the type from the content, not from the name or the claimed type', async () => {
    const id = await chat.requestChat();
    const pdf = await chat.upload(id, { bytes: PDF, name: 'invoice.png', type: 'image/png' });
    expect(pdf.body.file).toMatchObject({ name: 'invoice.png', contentType: 'application/pdf' });
    const text = await chat.upload(id, { bytes: Buffer.from('Order A-1001 arrived broken'), name: 'note.exe', type: 'application/x-msdownload' });
    expect(text.body.file.contentType).toBe('text/plain');
    // HTML and SVG are UTF-8 text by their bytes: taken as text/plain, and only ever served as a download.
    const html = await chat.upload(id, { bytes: HTML, name: 'photo.png', type: 'image/png' });
    expect(html.body.file.contentType).toBe('text/plain');
    const svg = await chat.upload(id, { bytes: SVG, name: 'logo.svg', type: 'image/svg+xml' });
    expect(svg.body.file.contentType).toBe('text/plain');
    const served = await fetch(svg.body.file.url);
    expect(served.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(served.headers.get('content-disposition')).toMatch(/^attachment; filename="logo.svg"/);
  });

  it.each([
    ['a ZIP archive', ZIP, 'photos.zip', 'application/zip'],
    ['a program', EXE, 'setup.exe', 'application/octet-stream'],
    ['a PNG signature cut short', PNG_1PX.subarray(0, 4), 'short.png', 'image/png'],
  ])('refuses %s with statusCode 9 (415)', async (_what, bytes, name, type) => {
    const id = await chat.requestChat();
    const r = await chat.upload(id, { bytes, name, type });
    expect(r.status).toBe(415);
    expect(r.body).toEqual({ statusCode: 9, statusMessage: expect.stringMatching(/not accepted: send PNG, JPEG, GIF, WebP, PDF or plain text/) });
  });

  it('refuses a file over 10 MB with statusCode 8 (413), and takes one of exactly 10 MB', async () => {
    const id = await chat.requestChat();
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0x61);
    const r = await chat.upload(id, { bytes: big, name: 'big.txt', type: 'text/plain' });
    expect(r.status).toBe(413);
    expect(r.body).toEqual({ statusCode: 8, statusMessage: expect.stringMatching(/larger than 10 MB/) });
    const edge = await chat.upload(id, { bytes: big.subarray(0, 10 * 1024 * 1024), name: 'edge.txt', type: 'text/plain' });
    expect(edge.status).toBe(200);
    expect(edge.body.file.size).toBe(10 * 1024 * 1024);
  });

  it('says what to fix for an empty file, no file part, a wrong part name, two files or no multipart body', async () => {
    const id = await chat.requestChat();
    const headers = { ContactCenterId: CC_ID };
    const url = `${emu.url}/api/v2/chats/${id}/files`;
    const cases: [RequestInit, RegExp][] = [
      [{ body: formOf('file', { bytes: new Uint8Array(), name: 'empty.png' }) }, /The file is empty/],
      [{ body: formOf('file', null, { note: 'hello' }) }, /Unexpected field "note"/],
      [{ body: formOf('photo', { bytes: PNG_1PX, name: 'a.png' }) }, /the file goes in a part named "file"/],
      [
        {
          body: (() => {
            const form = formOf('file', { bytes: PNG_1PX, name: 'a.png' });
            form.append('file', new Blob([PNG_1PX]), 'b.png');
            return form;
          })(),
        },
        /one file per request/,
      ],
      [{ body: JSON.stringify({ file: 'x' }), headers: { ...headers, 'content-type': 'application/json' } }, /multipart\/form-data with one file part named "file"/],
    ];
    for (const [init, message] of cases) {
      const r = await http(url, { method: 'POST', headers, ...init });
      expect(r.status, String(message)).toBe(400);
      expect(r.body).toEqual({ statusCode: 1, statusMessage: expect.stringMatching(message) });
    }
  });

  it('follows the ContactCenterId rules: 403 statusCode 3 without or with an unknown one, or with Authorization; 404 for another contact center', async () => {
    const id = await chat.requestChat();
    const file = { bytes: PNG_1PX, name: 'a.png' };
    for (const headers of [{}, { ContactCenterId: 'nope' }, { ContactCenterId: CC_ID, Authorization: 'Bearer x' }] as Record<string, string>[]) {
      const r = await http(`${emu.url}/api/v2/chats/${id}/files`, { method: 'POST', headers, body: formOf('file', file) });
      expect(r.status).toBe(403);
      expect(r.body.statusCode).toBe(3);
    }
    const foreign = await chatClient(emu.url, OTHER_CC_ID).upload(id, file);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ statusCode: 6, statusMessage: 'No such chat' });
    const unknown = await chat.upload('6b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e', file);
    expect(unknown.body).toEqual(foreign.body);
  });

  it('refuses an upload to an ended chat with statusCode 2', async () => {
    const id = await chat.requestChat();
    await chat.operation(id, { operationName: 'Complete' });
    const r = await chat.upload(id, { bytes: PNG_1PX, name: 'a.png' });
    expect(r.status).toBe(400);
    expect(r.body.statusCode).toBe(2);
  });

  it('answers the upload preflight from any origin', async () => {
    const id = await chat.requestChat();
    const r = await fetch(`${emu.url}/api/v2/chats/${id}/files`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'contactcenterid' },
    });
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-headers')).toMatch(/ContactCenterId/);
  });
});

describe('EMULATOR_PUBLIC_URL', () => {
  it('puts the configured origin in the file links', async () => {
    const other = await startEmulator({ publicUrl: 'https://chat.example' });
    try {
      const client = chatClient(other.url);
      const id = await client.requestChat();
      const r = await client.upload(id, { bytes: PNG_1PX, name: 'a.png' });
      expect(r.body.file.url).toMatch(/^https:\/\/chat\.example\/files\//);
    } finally {
      await other.close();
    }
  });
});

describe('GetChat', () => {
  it('advertises the file limits in extensions.files', async () => {
    const id = await chat.requestChat();
    const r = await chat.chat(id);
    expect(r.body.chat.extensions.files).toEqual({
      maxBytes: 10 * 1024 * 1024,
      contentTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain'],
    });
  });
});

describe('SendMessage with attachments', () => {
  it('sends files with or without text; the agent API shows them with links that work', async () => {
    const id = await chat.requestChat();
    const photo = await uploaded(id);
    const pdf = await uploaded(id, { bytes: PDF, name: 'receipt.pdf', type: 'application/pdf' });
    expect((await chat.sendFiles(id, [photo.id])).body).toEqual({ statusCode: 0 });
    expect((await chat.sendFiles(id, [pdf.id], { text: 'And the receipt', clientMessageId: 'm-2' })).body).toEqual({ statusCode: 0 });
    const texts = (await agent.transcript(id)).messages.filter((m: any) => m.type === 'Text');
    expect(texts).toEqual([
      expect.objectContaining({
        from: expect.objectContaining({ type: 'Customer' }),
        attachments: [{ id: photo.id, name: 'broken.png', contentType: 'image/png', size: PNG_1PX.length, url: expect.stringMatching(/^\/files\//) }],
      }),
      expect.objectContaining({ text: 'And the receipt', attachments: [expect.objectContaining({ id: pdf.id, name: 'receipt.pdf', contentType: 'application/pdf' })] }),
    ]);
    expect(texts[0].text).toBeUndefined();
    const served = await fetch(`${emu.url}${texts[0].attachments[0].url}`);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG_1PX);
  });

  it('gives every entry with files a readable text and fresh signed URLs on every GetMessages', async () => {
    const id = await chat.requestChat();
    const photo = await uploaded(id);
    await chat.sendFiles(id, [photo.id]);
    const first = (await chat.messages(id, 1)).body.messages.find((m: any) => m.type === 'Text');
    expect(first).toMatchObject({ text: 'File: broken.png', attachments: [{ id: photo.id, name: 'broken.png', contentType: 'image/png', size: PNG_1PX.length }] });
    const again = (await chat.messages(id, 1)).body.messages.find((m: any) => m.type === 'Text');
    // Each answer's link has 14 to 15 minutes left (the same link within a minute: pictures stay cached).
    for (const entry of [first, again]) {
      const left = Number(new URL(entry.attachments[0].url).searchParams.get('expires')) - Date.now();
      expect(left).toBeGreaterThan(14 * 60_000 - 5_000);
      expect(left).toBeLessThanOrEqual(15 * 60_000);
      expect((await fetch(entry.attachments[0].url)).status).toBe(200);
    }
    expect(emu.files.link(photo.id, 1_200_000)).toBe(emu.files.link(photo.id, 1_259_999));
    expect(emu.files.link(photo.id, 1_260_000)).not.toBe(emu.files.link(photo.id, 1_259_999));
  });

  it('refuses an unknown file, another chat\u2019s file, or an agent\u2019s file, and a message with neither text nor files', async () => {
    const id = await chat.requestChat();
    const other = await chat.requestChat();
    const theirs = await uploaded(other);
    await agent.accept(id);
    const agents = (await agent.sendFile(id, { bytes: PNG_1PX, name: 'from-agent.png' })).body.file;
    for (const fileId of ['no-such-file', theirs.id, agents.id]) {
      const r = await chat.sendFiles(id, [fileId]);
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ statusCode: 1, statusMessage: expect.stringMatching(/Unknown file .*: upload it to this chat first/) });
    }
    const none = await chat.sendFiles(id, []);
    expect(none.body).toEqual({ statusCode: 1, statusMessage: expect.stringMatching(/"text" is required/) });
    const bad = await chat.operation(id, { operationName: 'SendMessage', attachments: [{ id: '../../etc' }] });
    expect(bad.body.statusMessage).toMatch(/attachments\[0\]\.id/);
  });

  it('passes a reply button\u2019s JSON value to the agent and keeps it out of GetMessages', async () => {
    const id = await chat.requestChat();
    expect((await chat.operation(id, { operationName: 'SendMessage', text: 'Size M', value: { size: 'M', sku: 42 } })).body).toEqual({ statusCode: 0 });
    const agentSees = (await agent.transcript(id)).messages.find((m: any) => m.type === 'Text');
    expect(agentSees).toMatchObject({ text: 'Size M', value: { size: 'M', sku: 42 } });
    const customerSees = (await chat.messages(id, 1)).body.messages.find((m: any) => m.type === 'Text');
    expect(customerSees.value).toBeUndefined();
    for (const value of [[1], 'M', { big: 'x'.repeat(5000) }]) {
      const r = await chat.operation(id, { operationName: 'SendMessage', text: 'x', value });
      expect(r.body.statusCode, JSON.stringify(value).slice(0, 20)).toBe(1);
    }
  });
});

describe('file links', () => {
  async function linkOf() {
    const id = await chat.requestChat();
    return uploaded(id, { bytes: HTML, name: 'page.html', type: 'text/html' });
  }

  it('serves a picture inline and everything else as an attachment, with nosniff and a sandbox', async () => {
    const id = await chat.requestChat();
    const picture = await uploaded(id);
    const r = await fetch(picture.url);
    expect(r.status).toBe(200);
    expect(
      Object.fromEntries(
        ['content-type', 'content-disposition', 'x-content-type-options', 'content-security-policy', 'cross-origin-resource-policy', 'access-control-allow-origin'].map((h) => [
          h,
          r.headers.get(h),
        ]),
      ),
    ).toEqual({
      'content-type': 'image/png',
      'content-disposition': `inline; filename="broken.png"; filename*=UTF-8''broken.png`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cross-origin-resource-policy': 'cross-origin',
      'access-control-allow-origin': '*',
    });

    const page = await fetch((await linkOf()).url);
    expect(page.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(page.headers.get('content-disposition')).toMatch(/^attachment; filename="page.html"/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(await page.text()).toBe(HTML.toString());
  });

  it('refuses an expired link, a forged token, a link for another file and a missing token with 403', async () => {
    const file = await linkOf();
    const other = await linkOf();
    const base = `${emu.url}/files/${file.id}`;
    const expired = signFileUrl(emu.files.secret, file.id, Date.now() - 16 * 60_000);
    const forged = signFileUrl('not-the-secret', file.id);
    const otherToken = new URL(other.url).search.slice(1);
    for (const query of [expired, forged, otherToken, '', `expires=${Date.now() + 60_000}`]) {
      const r = await http(`${base}?${query}`);
      expect(r.status, query).toBe(403);
      expect(r.body.error).toMatch(/not valid or has expired/);
    }
    expect((await fetch(file.url)).status).toBe(200);
  });

  it('answers 403 for a file that does not exist unless the link is signed, then 404', async () => {
    expect((await http(`${emu.url}/files/no-such-file?${signFileUrl('guess', 'no-such-file')}`)).status).toBe(403);
    expect((await http(`${emu.url}/files/no-such-file?${signFileUrl(emu.files.secret, 'no-such-file')}`)).status).toBe(404);
  });
});

describe('direct mode: the agent sends files', () => {
  it('the customer gets the agent\u2019s file with a signed URL, the caption as text', async () => {
    const id = await chat.requestChat();
    await agent.accept(id);
    const r = await agent.sendFile(id, { bytes: PDF, name: 'label.pdf', type: 'application/pdf' }, 'Your return label');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      index: expect.any(Number),
      file: { id: expect.any(String), name: 'label.pdf', contentType: 'application/pdf', size: PDF.length, url: expect.stringMatching(/^\/files\//) },
    });
    const entry = (await chat.messages(id, 1)).body.messages.find((m: any) => m.type === 'Text');
    expect(entry).toMatchObject({
      from: { type: 'Agent', nickname: 'Kristi' },
      text: 'Your return label',
      attachments: [{ id: r.body.file.id, name: 'label.pdf', contentType: 'application/pdf', size: PDF.length }],
    });
    const served = await fetch(entry.attachments[0].url);
    expect(served.headers.get('content-disposition')).toMatch(/^attachment; filename="label.pdf"/);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PDF);
  });

  it('checks the agent\u2019s files like a customer\u2019s: by content, 10 MB, and only with an agent connected', async () => {
    const id = await chat.requestChat();
    expect((await agent.sendFile(id, { bytes: PNG_1PX, name: 'a.png' })).status).toBe(409);
    await agent.accept(id);
    const exe = await agent.sendFile(id, { bytes: EXE, name: 'a.exe' });
    expect(exe.status).toBe(415);
    const big = await agent.sendFile(id, { bytes: Buffer.alloc(10 * 1024 * 1024 + 1, 0x61), name: 'big.txt' });
    expect(big.status).toBe(413);
    expect(big.body.error).toMatch(/larger than 10 MB/);
    expect((await agent.transcript(id)).messages.filter((m: any) => m.type === 'Text')).toEqual([]);
  });

  it('the customer gets an agent\u2019s cards with a fallback text', async () => {
    const id = await chat.requestChat();
    await agent.accept(id);
    const card = {
      title: 'Order A-1001',
      text: 'Shipped today',
      facts: [{ title: 'Carrier', value: 'DHL' }],
      images: [{ url: 'https://shop.example/box.png', alt: 'The parcel' }],
      buttons: [
        { type: 'openUrl', title: 'Track', value: 'https://track.example/A-1001' },
        { type: 'reply', title: 'Thanks', value: 'thanks' },
      ],
    };
    const r = await agent.post(`/interactions/${id}/messages`, { cards: [card] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const entry = (await chat.messages(id, 1)).body.messages.find((m: any) => m.type === 'Text');
    expect(entry.cards).toEqual([card]);
    expect(entry.text).toBe('Order A-1001\nShipped today\nCarrier: DHL\nTrack: https://track.example/A-1001\n[Thanks]');
    for (const bad of [{ buttons: [{ type: 'openUrl', title: 'x', value: 'javascript:alert(1)' }] }, { images: [{ url: 'data:image/svg+xml,<svg/>' }] }, {}]) {
      const refused = await agent.post(`/interactions/${id}/messages`, { cards: [bad] });
      expect(refused.status, JSON.stringify(bad)).toBe(400);
    }
  });
});
