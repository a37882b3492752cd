// What the widget costs the host page's main thread, in Chromium: layout shift and long tasks from
// the snippet to a queued chat, over several runs (a loaded machine makes long tasks, so this is a
// benchmark with a target, not a test: test/e2e/widget/host-safety.test.ts keeps the deterministic part).
import { launchBrowser } from '../support/browser';
import { CC_ID, control, startEmulator } from '../support/emulator';
import { ensureWidget } from '../support/global-setup';
import { snippetPage, startHostSite } from '../support/host-page';
import { round, type Bench, type Row } from './lib';

const RUNS = Number(process.env.BENCH_HOST_RUNS ?? 5);

const OBSERVE = `<script>
  window.shifts = 0; window.longTasks = [];
  new PerformanceObserver(function (l) { l.getEntries().forEach(function (e) { if (!e.hadRecentInput) window.shifts += e.value; }); }).observe({ type: 'layout-shift', buffered: true });
  new PerformanceObserver(function (l) { l.getEntries().forEach(function (e) { window.longTasks.push(Math.round(e.duration)); }); }).observe({ type: 'longtask', buffered: true });
</script>`;

export const bench: Bench = {
  name: 'host-page',
  async run() {
    await ensureWidget();
    const emu = await startEmulator();
    const site = await startHostSite();
    const browser = await launchBrowser();
    try {
      await control(emu.url, { chatScript: { preChat: { enabled: false, fields: [] } } });
      site.pages.set('/perf', {
        body: snippetPage({ domain: emu.url, contactCenterId: CC_ID }, { extraHead: OBSERVE, body: `<p>${'Lorem ipsum dolor sit amet. '.repeat(200)}</p>` }),
      });
      let shifts = 0;
      let longest = 0;
      let over50 = 0;
      for (let run = 0; run < RUNS; run++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        const page = await context.newPage();
        await page.goto(`${site.url}/perf`, { waitUntil: 'load' });
        await page.waitForFunction(() => (window as any).bus);
        await page.waitForTimeout(3000); // the app loads on idle meanwhile
        await page.locator('parley-chat .launcher').click();
        await page.locator('parley-chat .message-history').getByText('We will be with you shortly.').waitFor();
        const measured = await page.evaluate(() => ({ shifts: (window as any).shifts as number, longTasks: (window as any).longTasks as number[] }));
        shifts = Math.max(shifts, measured.shifts);
        longest = Math.max(longest, ...measured.longTasks, 0);
        over50 += measured.longTasks.filter((d) => d > 50).length;
        await context.close();
      }
      const rows: Row[] = [
        { bench: 'host-page', metric: `layout shift, snippet to queued chat (worst of ${RUNS})`, value: round(shifts, 4), unit: 'CLS', target: '0', ok: shifts === 0 },
        {
          bench: 'host-page',
          metric: `longest main-thread task (worst of ${RUNS})`,
          value: longest,
          unit: 'ms',
          target: '≤ 50',
          ok: longest <= 50,
          note: 'the browser reports only tasks of 50 ms or more: 0 = none',
        },
        { bench: 'host-page', metric: `long tasks over 50 ms (all ${RUNS} runs)`, value: over50, unit: 'tasks', target: '0', ok: over50 === 0 },
      ];
      return rows;
    } finally {
      await browser.close();
      await site.close();
      await emu.close();
    }
  },
};
