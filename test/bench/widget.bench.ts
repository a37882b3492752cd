// The widget's weight and its cost at the contact center, measured in Chromium against the emulator:
// gzip sizes, requests per idle minute for one visitor (1 tab and 3 tabs), agent→customer latency.
import type { Browser, Page } from 'playwright-core';
import { ensureWidget } from '../support/global-setup';
import { launchBrowser } from '../support/browser';
import { CC_ID, agentClient, eventually, http, startEmulator, resetEmulator } from '../support/emulator';
import { snippetPage, startHostSite } from '../support/host-page';
import { widgetSizes } from '../support/sizes';
import { percentile, round, type Bench, type Row } from './lib';
import { webchatMinimalSize } from './webchat-compare';

const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50);

export async function openChat(browser: Browser, url: string, tabs: number, agentUrl: string): Promise<{ pages: Page[]; chatId: string; close(): Promise<void> }> {
  const context = await browser.newContext();
  const pages: Page[] = [];
  for (let i = 0; i < tabs; i++) {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => (window as any).bus);
    pages.push(page);
  }
  await pages[0]!.evaluate(() => (window as any).bus.publish('chat:trigger-chat-window'));
  const agent = agentClient(agentUrl);
  const chat = await eventually(
    async () => {
      const found = (await agent.list()).find((i) => i.state === 'queued');
      if (!found) throw new Error('no chat yet');
      return found;
    },
    { timeoutMs: 15_000 },
  );
  await agent.accept(chat.id);
  return { pages, chatId: chat.id, close: () => context.close() };
}

export const bench: Bench = {
  name: 'widget',
  async run() {
    await ensureWidget();
    const sizes = widgetSizes();
    const webchat = webchatMinimalSize();
    const rows: Row[] = [
      { bench: 'widget', metric: 'loader dist/chat.js (gzip)', value: round(sizes.loader / 1024), unit: 'KB', target: '≤ 3', ok: sizes.loader <= 3 * 1024 },
      { bench: 'widget', metric: 'chat window in English, all of it (gzip)', value: round(sizes.chatWindow / 1024), unit: 'KB', target: '≤ 45', ok: sizes.chatWindow <= 45 * 1024 },
      {
        bench: 'widget',
        metric: 'largest extra language chunk (gzip)',
        value: round(sizes.largestLanguage / 1024),
        unit: 'KB',
        target: '≤ 4',
        ok: sizes.largestLanguage <= 4 * 1024,
      },
      webchat
        ? {
            bench: 'widget',
            metric: `botframework-webchat ${webchat.version} webchat-minimal.js (gzip)`,
            value: round(webchat.gzip / 1024),
            unit: 'KB',
            note: `Parley's chat window is ${round(webchat.gzip / sizes.chatWindow, 1)}× smaller`,
          }
        : { bench: 'widget', metric: 'botframework-webchat webchat-minimal.js (gzip)', value: NaN, unit: 'KB', note: 'not measured: npm pack failed (registry unreachable?)' },
    ];

    const emu = await startEmulator();
    const site = await startHostSite();
    site.pages.set('/', { body: snippetPage({ domain: emu.url, contactCenterId: CC_ID }) });
    await http(`${emu.url}/emulator/api/control`, { method: 'POST', json: { chatScript: { preChat: { enabled: false, fields: [] }, invitation: { enabled: false } } } });
    const browser = await launchBrowser();
    try {
      for (const tabs of [1, 3]) {
        await resetEmulator(emu.url).then(() =>
          http(`${emu.url}/emulator/api/control`, { method: 'POST', json: { chatScript: { preChat: { enabled: false, fields: [] }, invitation: { enabled: false } } } }),
        );
        const chat = await openChat(browser, `${site.url}/`, tabs, emu.url);
        await new Promise((r) => setTimeout(r, 5000)); // settle: joins, first polls
        const since = Date.now();
        await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
        const requests = (await http(`${emu.url}/emulator/api/requests?since=${since}`)).body.requests.length;
        const perMinute = round((requests * 60) / IDLE_SECONDS, 1);
        rows.push({
          bench: 'widget',
          metric: `requests per idle minute, ${tabs} tab${tabs > 1 ? 's' : ''} (window open)`,
          value: perMinute,
          unit: 'req/min',
          target: '≤ 45',
          ok: perMinute <= 45,
        });
        await chat.close();
      }

      await resetEmulator(emu.url);
      await http(`${emu.url}/emulator/api/control`, { method: 'POST', json: { chatScript: { preChat: { enabled: false, fields: [] }, invitation: { enabled: false } } } });
      const chat = await openChat(browser, `${site.url}/`, 1, emu.url);
      const page = chat.pages[0]!;
      await page.evaluate(() => {
        (window as any).received = {};
        (window as any).bus.subscribe('chat:message-received', (d: any) => ((window as any).received[d.message.text] = Date.now()));
      });
      const agent = agentClient(emu.url);
      const sentAt: Record<string, number> = {};
      for (let i = 0; i < MESSAGES; i++) {
        const text = `latency probe ${i}`;
        sentAt[text] = Date.now();
        await agent.say(chat.chatId, text);
        await new Promise((r) => setTimeout(r, 600 + Math.random() * 800));
      }
      const received = await eventually(
        async () => {
          const got = (await page.evaluate(() => (window as any).received)) as Record<string, number>;
          if (Object.keys(got).length < MESSAGES) throw new Error('not all received yet');
          return got;
        },
        { timeoutMs: 30_000 },
      );
      const latencies = Object.entries(sentAt)
        .map(([text, at]) => received[text]! - at)
        .sort((a, b) => a - b);
      const p50 = percentile(latencies, 50);
      const p95 = percentile(latencies, 95);
      rows.push(
        { bench: 'widget', metric: `agent→customer delivery p50 (${MESSAGES} messages)`, value: round(p50 / 1000), unit: 's' },
        { bench: 'widget', metric: `agent→customer delivery p95 (${MESSAGES} messages)`, value: round(p95 / 1000), unit: 's', target: '≤ 2.5', ok: p95 <= 2500 },
      );
      await chat.close();
    } finally {
      await browser.close();
      await site.close();
      await emu.close();
    }
    return rows;
  },
};
