// Microsoft's samples through the bridge to a customer in Chromium with the widget: what the
// customer reads (the cards' text at least: the widget's card rendering is built apart), and that
// "The bot encountered an error" never appears.
import type { BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { widgetEnvironment } from '../../support/widget-env';
import { CC_ID } from '../../support/emulator';
import { snippetPage } from '../../support/host-page';
import { WidgetPage } from '../widget/widget-page';
import { sampleRig, type SampleRig } from './conversation';

const env = widgetEnvironment();
let context: BrowserContext;
const rigs: SampleRig[] = [];
afterAll(async () => {
  for (const rig of rigs) await rig.close();
});
beforeEach(async () => {
  context = await env.browser.newContext({ reducedMotion: 'reduce' });
});
afterEach(() => context?.close());

async function open(sample: string) {
  // No pre-chat form: the customer goes straight to the bot.
  const rig = await sampleRig(sample, env.emu.url, { chatScript: { preChat: { enabled: false, fields: [] }, chatWindow: { enabled: true } } });
  rigs.push(rig);
  env.site.pages.set(`/${sample}`, { body: snippetPage({ domain: rig.bridge.url, contactCenterId: CC_ID }) });
  const page = await context.newPage();
  const widget = new WidgetPage(page);
  await page.goto(`${env.site.url}/${sample}`);
  await widget.launcher.click();
  return widget;
}
const text = async (widget: WidgetPage) => (await widget.lines()).join('\n');

describe('samples in the widget', () => {
  it('06.using-cards: the carousel of all nine cards is readable, and no bot turn errors', async () => {
    const widget = await open('06.using-cards');
    await expect.poll(() => text(widget), { timeout: 20_000 }).toMatch(/Welcome to CardBot/);
    await widget.send('hi');
    await expect.poll(() => text(widget), { timeout: 20_000 }).toMatch(/What card would you like to see/);
    await widget.send('All Cards');
    await expect.poll(() => text(widget), { timeout: 20_000 }).toMatch(/Type anything to see another card/);
    const all = await text(widget);
    for (const title of ['Passengers', 'BotFramework Hero Card', 'BotFramework Thumbnail Card', 'John Doe', 'I am your father']) expect(all).toContain(title);
    expect(all).not.toMatch(/The bot encountered an error/);
  });

  it('05.multi-turn-prompt: the choice prompt is buttons, not a numbered list', async () => {
    const widget = await open('05.multi-turn-prompt');
    await widget.send('hi');
    await expect.poll(() => text(widget), { timeout: 20_000 }).toMatch(/Please enter your mode of transport/);
    expect(await text(widget)).not.toMatch(/\(1\) Car/);
    await widget.page.getByRole('button', { name: 'Bus' }).click();
    await expect.poll(() => text(widget), { timeout: 20_000 }).toMatch(/Please enter your name/);
    expect(await text(widget)).not.toMatch(/The bot encountered an error/);
  });
});
