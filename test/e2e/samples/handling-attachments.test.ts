// Microsoft's 15.handling-attachments, unmodified, through the bridge to a customer: its inline
// (data: URL), internet (https) and uploaded (Bot Connector attachments API) attachments reach the
// customer, and a file the customer uploads is fetched and saved by the bot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG_1PX, startEmulator, type RunningEmulator } from '../../support/emulator';
import { customer, sampleRig, type SampleRig } from './conversation';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLES_DIR } from '../../support/samples';

let emu: RunningEmulator;
let rig: SampleRig;
beforeAll(async () => {
  emu = await startEmulator();
  rig = await sampleRig('15.handling-attachments', emu.url);
});
afterAll(async () => {
  await rig?.close();
  await emu?.close();
});

const PICTURE = readFileSync(join(SAMPLES_DIR, '15.handling-attachments/resources/architecture-resize.png'));

describe('15.handling-attachments', () => {
  it('sends its inline, internet and uploaded attachments, and saves the customer’s upload', async () => {
    const c = await customer(rig, 'Kim');
    await c.botSays(/Welcome to the Attachment Handling sample/);
    await c.say('hello');
    await c.botSays(/Your input was not recognized/);
    const options = await c.botSays(/You can upload an image or select one of the following choices/);
    expect(options.cards![0]!.buttons.map((b: { title: string; value: string }) => [b.title, b.value])).toEqual([
      ['1. Inline Attachment', '1'],
      ['2. Internet Attachment', '2'],
      ['3. Uploaded Attachment', '3'],
    ]);

    await c.say(options.cards![0]!.buttons[0].value);
    const inline = await c.botSays(/This is an inline attachment/);
    expect(inline.body).toBe('This is an inline attachment.');
    expect(inline.attachments).toEqual([expect.objectContaining({ name: 'architecture-resize.png', contentType: 'image/png', size: PICTURE.length })]);
    expect(Buffer.from(await (await fetch(inline.attachments![0]!.url)).arrayBuffer())).toEqual(PICTURE);
    await c.botSays(/You can upload an image/);

    await c.say('2');
    const internet = await c.botSays(/This is an internet attachment/);
    expect(internet.cards).toEqual([
      { images: [{ url: 'https://docs.microsoft.com/en-us/bot-framework/media/how-it-works/architecture-resize.png', alt: 'architecture-resize.png' }] },
    ]);
    await c.botSays(/You can upload an image/);

    await c.say('3');
    const uploaded = await c.botSays(/This is an uploaded attachment/);
    expect(uploaded.attachments).toEqual([expect.objectContaining({ name: 'architecture-resize.png', contentType: 'image/png', size: PICTURE.length })]);
    expect(Buffer.from(await (await fetch(uploaded.attachments![0]!.url)).arrayBuffer())).toEqual(PICTURE);
    await c.botSays(/You can upload an image/);

    const up = await c.chat.upload(c.id, { bytes: PNG_1PX, name: 'broken-product.png' });
    expect(up.status).toBe(200);
    expect((await c.chat.sendFiles(c.id, [up.body.file.id])).status).toBe(200);
    await c.botSays(/Attachment "broken-product\.png" has been received and saved to/);
    await c.noBotErrors();
  });
});
