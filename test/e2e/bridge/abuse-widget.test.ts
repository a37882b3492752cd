// The widget in Chromium against a bridge whose per-chat message limit is tiny (one message, then
// one every 2 s): the customer's second message is refused (429, Retry-After), the widget shows
// nothing alarming, waits as told, and the message reaches the bridge once.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_CHAT_SCRIPT } from '../../../bot-bridge/config';
import { snippetPage } from '../../support/host-page';
import { CC_ID, http } from '../../support/emulator';
import { startBot, startBridge, type RunningBridge } from '../../support/bridge';
import { widgetEnvironment } from '../../support/widget-env';
import { WidgetPage } from '../widget/widget-page';

const env = widgetEnvironment();
let bot: Awaited<ReturnType<typeof startBot>>;
let bridge: RunningBridge;

beforeAll(async () => {
  bot = await startBot();
  bridge = await startBridge({
    gateway: { url: env.emu.url },
    bot: { endpoint: bot.endpoint },
    chatScript: { ...DEFAULT_CHAT_SCRIPT, preChat: { enabled: false, fields: [] } },
    limits: { messagesPerChat: { burst: 1, perMs: 1 / 2000, text: '1/2s' } },
  });
  env.site.pages.set('/', { body: snippetPage({ domain: bridge.url, contactCenterId: CC_ID }) });
});
afterAll(async () => {
  await bridge?.close();
  await bot?.close();
});

const refused = async () => {
  const text = (await http(`${bridge.url}/metrics`)).body as string;
  return Number(/parley_customer_chat_refused_total\{limit="messages-per-chat"\} (\d+)/.exec(text)?.[1] ?? 0);
};

it('waits out a 429 by its Retry-After and delivers the refused message once, showing no error', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const widget = new WidgetPage(page);
  let id: string | undefined;
  page.on('response', (response) => {
    if (response.request().method() === 'POST' && new URL(response.url()).pathname === '/api/v2/chats' && response.ok())
      void response.json().then(
        (body: { id?: string }) => (id = body.id),
        () => undefined,
      );
  });
  await page.goto(`${env.site.url}/`);
  await widget.launcher.click();
  await expect.poll(() => widget.lines(), { timeout: 15_000 }).toEqual(expect.arrayContaining([expect.stringMatching(/assistant/i)]));
  const seen = new Set<string>();
  const watch = setInterval(
    () =>
      void widget.lines().then(
        (lines) => lines.forEach((l) => seen.add(l)),
        () => undefined,
      ),
    100,
  );
  try {
    await widget.send('Opening hours');
    await widget.send('And on Sundays?');
    await expect.poll(refused, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    await expect.poll(() => widget.lines(), { timeout: 20_000 }).toContain('You: And on Sundays?');
    expect(id).toBeDefined();
    const session = await bridge.bridge.sessions.get(id!);
    const entries = await bridge.bridge.deps.store.readEntries(session!.id, 1);
    expect(entries.filter((e) => e.type === 'Text' && e.text === 'And on Sundays?')).toHaveLength(1);
    expect(entries.filter((e) => e.type === 'Text' && e.text === 'Opening hours')).toHaveLength(1);
  } finally {
    clearInterval(watch);
    await context.close();
  }
  // Nothing alarming on the way: no "retrying", no "not sent", no error line.
  expect([...seen].filter((l) => /retrying|not sent|failed|error|try again/i.test(l))).toEqual([]);
}, 60_000);
