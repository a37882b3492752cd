// Long-polling against plain polling, in Chromium against the emulator, in the same run: how fast an
// agent's message reaches the customer (p50/p95), and what an idle open chat costs (requests per
// minute, 1 and 3 tabs; counted over BENCH_LP_IDLE_S and scaled to a minute).
import { ensureWidget } from '../support/global-setup';
import { launchBrowser } from '../support/browser';
import { CC_ID, agentClient, eventually, http, resetEmulator, startEmulator } from '../support/emulator';
import { snippetPage, startHostSite } from '../support/host-page';
import { percentile, round, type Bench, type Row } from './lib';
import { openChat } from './widget.bench';

const IDLE_S = Number(process.env.BENCH_LP_IDLE_S ?? 50);
const MESSAGES = Number(process.env.BENCH_LP_MESSAGES ?? 20);
const BENCH = 'long-poll-widget';

export const bench: Bench = {
  name: BENCH,
  async run() {
    await ensureWidget();
    const rows: Row[] = [];
    const site = await startHostSite();
    const browser = await launchBrowser();
    try {
      for (const mode of ['plain', 'long-poll'] as const) {
        const emu = await startEmulator(mode === 'plain' ? { longPollMaxWaitS: 0 } : {});
        const label = (m: string) => `${mode}: ${m}`;
        const path = `/${mode}`;
        site.pages.set(path, { body: snippetPage({ domain: emu.url, contactCenterId: CC_ID }) });
        const prepare = async () => {
          await resetEmulator(emu.url);
          await http(`${emu.url}/emulator/api/control`, { method: 'POST', json: { chatScript: { preChat: { enabled: false, fields: [] }, invitation: { enabled: false } } } });
        };
        try {
          await prepare();
          const chat = await openChat(browser, `${site.url}${path}`, 1, emu.url);
          const page = chat.pages[0]!;
          await page.evaluate(() => {
            (window as any).received = {};
            (window as any).bus.subscribe('chat:message-received', (d: any) => ((window as any).received[d.message.text] = Date.now()));
          });
          await new Promise((r) => setTimeout(r, 3000));
          const agent = agentClient(emu.url);
          const sentAt: Record<string, number> = {};
          for (let i = 0; i < MESSAGES; i++) {
            const text = `probe ${i}`;
            sentAt[text] = Date.now();
            await agent.say(chat.chatId, text);
            await new Promise((r) => setTimeout(r, 500 + Math.random() * 1500));
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
          const p95 = percentile(latencies, 95);
          rows.push(
            { bench: BENCH, metric: label(`agent→customer delivery p50 (${MESSAGES} messages)`), value: round(percentile(latencies, 50) / 1000, 3), unit: 's' },
            {
              bench: BENCH,
              metric: label(`agent→customer delivery p95 (${MESSAGES} messages)`),
              value: round(p95 / 1000, 3),
              unit: 's',
              ...(mode === 'long-poll' ? { target: '≤ 0.3', ok: p95 <= 300 } : {}),
            },
          );
          await chat.close();

          for (const tabs of [1, 3]) {
            await prepare();
            const idle = await openChat(browser, `${site.url}${path}`, tabs, emu.url);
            await new Promise((r) => setTimeout(r, 5000)); // settle: joins, first polls
            const since = Date.now();
            await new Promise((r) => setTimeout(r, IDLE_S * 1000));
            const requests = (await http(`${emu.url}/emulator/api/requests?since=${since}`)).body.requests.length;
            const perMinute = round((requests * 60) / IDLE_S, 1);
            rows.push({
              bench: BENCH,
              metric: label(`requests per idle open-chat minute, ${tabs} tab${tabs > 1 ? 's' : ''}`),
              value: perMinute,
              unit: 'req/min',
              note: `${requests} requests in ${IDLE_S} s, scaled`,
              ...(mode === 'long-poll' ? { target: '≤ 4', ok: perMinute <= 4 } : {}),
            });
            await idle.close();
          }
        } finally {
          await emu.close();
        }
      }
    } finally {
      await browser.close();
      await site.close();
    }
    return rows;
  },
};
