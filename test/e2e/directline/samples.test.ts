// A customer in Chromium, the widget on a shop's page, the bridge in Direct Line mode, and behind
// the demo Direct Line service Microsoft's unmodified samples: 02.echo-bot (welcome, echo),
// 08.suggested-actions (suggested actions as quick replies the customer clicks), 06.using-cards (a
// ChoicePrompt's choices, a hero card); and the demo bot
// handing over to an agent who answers. Every part a real process.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../../support/browser';
import { CC_ID, agentClient, eventually } from '../../support/emulator';
import { DEMO_SECRET } from '../../support/directline';
import { startSample, type RunningSample, type Sample } from '../../support/directline-samples';
import { snippetPage, startHostSite, type HostSite } from '../../support/host-page';
import { startBotProcess, startBridgeProcess, startDirectLineProcess, startEmulatorProcess, stopAll, type Running } from '../../support/processes';
import { WidgetPage } from '../widget/widget-page';

let emulator: Running;
let site: HostSite;
let browser: Browser;
let context: BrowserContext | undefined;
let parts: (Running | RunningSample)[] = [];

beforeAll(async () => {
  [emulator, site, browser] = await Promise.all([startEmulatorProcess(), startHostSite(), launchBrowser()]);
}, 120_000);
afterEach(async () => {
  await context?.close();
  await stopAll(...(parts as Running[]));
  parts = [];
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await stopAll(emulator);
});

/** The bot (a sample, or the demo bot), the Direct Line service in front of it, and a bridge using it; a shop page with the widget. */
async function behindDirectLine(bot: Sample | 'demo-bot'): Promise<{ page: Page; widget: WidgetPage }> {
  const running = bot === 'demo-bot' ? await startBotProcess() : await startSample(bot);
  parts.push(running);
  const dl = await startDirectLineProcess({ BOT_ENDPOINT: running.endpoint });
  parts.push(dl);
  const bridge = await startBridgeProcess({
    GATEWAY_URL: emulator.url,
    GATEWAY_RPS: '50',
    BRIDGE_STORE: 'sqlite::memory:',
    BOT_TRANSPORT: 'directline',
    DIRECT_LINE_URL: dl.url,
    DIRECT_LINE_SECRET: DEMO_SECRET,
  });
  parts.push(bridge);
  site.pages.set(`/${bot}`, { body: snippetPage({ domain: bridge.url, contactCenterId: CC_ID }) });
  context = await browser.newContext({ reducedMotion: 'reduce' });
  const page = await context.newPage();
  await page.goto(`${site.url}/${bot}`);
  const widget = new WidgetPage(page);
  await widget.launcher.click();
  // The bridge's chat script asks for a name first.
  await page.locator('parley-chat form, parley-chat #message-field').first().waitFor({ timeout: 20_000 });
  if (await page.locator('parley-chat form').count()) {
    await page.locator('parley-chat input[name=name]').fill('Lou');
    await page.locator('parley-chat form button[type=submit]').click();
  }
  await widget.messageField.waitFor({ timeout: 20_000 });
  return { page, widget };
}

const linesOf = (widget: WidgetPage) => widget.lines();
const quickReplies = (page: Page) => page.locator('parley-chat .quick-replies button').allTextContents();

describe('unmodified samples over Direct Line, a customer in Chromium', () => {
  it('02.echo-bot: welcomes the customer and echoes', async () => {
    const { widget } = await behindDirectLine('02.echo-bot');
    await expect.poll(() => linesOf(widget), { timeout: 20_000 }).toContainEqual(expect.stringMatching(/Hello and welcome!$/));
    await widget.send('Is anyone there?');
    await expect.poll(() => linesOf(widget), { timeout: 20_000 }).toContainEqual(expect.stringMatching(/Echo: Is anyone there\?$/));
    expect((await linesOf(widget)).filter((l) => /Hello and welcome!$/.test(l))).toHaveLength(1);
  }, 120_000);

  it('08.suggested-actions: the colours are quick replies, and a click answers', async () => {
    const { page, widget } = await behindDirectLine('08.suggested-actions');
    await expect.poll(() => linesOf(widget), { timeout: 20_000 }).toContainEqual(expect.stringMatching(/What is the best color\?$/));
    await expect.poll(() => quickReplies(page), { timeout: 10_000 }).toEqual(['Red', 'Yellow', 'Blue']);
    await page.locator('parley-chat .quick-replies button', { hasText: 'Blue' }).click();
    await expect.poll(() => linesOf(widget), { timeout: 20_000 }).toContainEqual(expect.stringMatching(/I agree, Blue is the best color\.$/));
    await expect.poll(() => quickReplies(page), { timeout: 10_000 }).toEqual(['Red', 'Yellow', 'Blue']);
  }, 120_000);

  it("06.using-cards: the card choice as quick replies, and a hero card's title for the customer", async () => {
    const { page, widget } = await behindDirectLine('06.using-cards');
    await expect.poll(() => linesOf(widget), { timeout: 20_000 }).toContainEqual(expect.stringMatching(/Welcome to CardBot\./));
    await widget.send('hi');
    await expect.poll(() => linesOf(widget), { timeout: 20_000 }).toContainEqual(expect.stringMatching(/What card would you like to see\?/));
    await expect.poll(() => quickReplies(page), { timeout: 10_000 }).toContain('Hero Card');
    await page.locator('parley-chat .quick-replies button', { hasText: 'Hero Card' }).click();
    await expect.poll(() => linesOf(widget), { timeout: 20_000 }).toContainEqual(expect.stringMatching(/BotFramework Hero Card/));
  }, 120_000);

  it('the demo bot hands over over Direct Line; the agent answers; the bot is back after', async () => {
    const { widget } = await behindDirectLine('demo-bot');
    await expect.poll(() => linesOf(widget), { timeout: 20_000 }).toContainEqual(expect.stringMatching(/shop's assistant/));
    await widget.send('I would like to talk to an agent please');
    const agent = agentClient(emulator.url);
    const handed = await eventually(
      async () => {
        const found = (await agent.list()).find((i) => i.source === 'chat-gateway' && i.customer.name === 'Lou' && i.state === 'queued');
        if (!found) throw new Error('not handed over yet');
        return found;
      },
      { timeoutMs: 20_000 },
    );
    expect(handed.userData).toMatchObject({ Reason: 'The customer asked for an agent' });
    expect(handed.history.map((m: { text: string }) => m.text)).toContain('I would like to talk to an agent please');
    await agent.accept(handed.id, 'agent-mo', 'Mo');
    await agent.say(handed.id, 'Hi Lou, Mo here. How can I help?');
    await expect.poll(() => linesOf(widget), { timeout: 20_000 }).toContainEqual(expect.stringMatching(/Mo here/));
    await widget.send('My parcel is late');
    await eventually(async () => expect((await agent.transcript(handed.id)).messages.some((m: { text?: string }) => m.text === 'My parcel is late')).toBe(true), {
      timeoutMs: 20_000,
    });
    await agent.leave(handed.id);
    await expect.poll(() => linesOf(widget), { timeout: 20_000 }).toContainEqual(expect.stringMatching(/Welcome back!/));
  }, 120_000);
});
