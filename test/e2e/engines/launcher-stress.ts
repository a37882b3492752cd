// A stress run of the first launcher click, outside `npm test`: loads a page with the widget N times
// in one engine, clicks the launcher as a journey does, and counts the clicks that open nothing,
// with what the page saw (pointer events at the launcher, the launcher's replacement, the time).
//   npx tsx test/e2e/engines/launcher-stress.ts [engine=firefox] [runs=50]
import { CC_ID, resetEmulator, startEmulator } from '../../support/emulator';
import { launchEngine, type EngineName } from '../../support/engines';
import { snippetPage, startHostSite } from '../../support/host-page';
import { ensureWidget } from '../../support/global-setup';

const engine = (process.argv[2] ?? 'firefox') as EngineName;
const runs = Number(process.argv[3] ?? 50);

await ensureWidget();
const emu = await startEmulator();
const site = await startHostSite();
const browser = await launchEngine(engine);
site.pages.set('/', { body: snippetPage({ domain: emu.url, contactCenterId: CC_ID }) });

// In the page from its first script on: every pointer event and click, where it landed, and when the
// loader's launcher gave way to the app's.
const PROBE = `window.__name = function (f) { return f; }; // tsx keeps function names with a helper the page lacks
(function () {
  var log = (window.__probe = []);
  var t0 = performance.now();
  var note = function (s) { log.push(Math.round(performance.now() - t0) + ' ' + s); };
  var where = function (e) {
    var p = e.composedPath()[0];
    return (p && (p.localName + (p.className && p.className.baseVal === undefined ? '.' + p.className : ''))) + (p && p.isConnected ? '' : '(gone)');
  };
  ['pointerdown', 'pointerup', 'mousedown', 'mouseup', 'click'].forEach(function (type) {
    document.addEventListener(type, function (e) { note(type + ' ' + where(e) + ' @' + e.clientX + ',' + e.clientY); }, true);
  });
  new MutationObserver(function () {
    var host = document.querySelector('parley-chat');
    if (!host || host.__watched) return;
    host.__watched = true;
    note('host');
    new MutationObserver(function (records) {
      records.forEach(function (r) {
        r.addedNodes.forEach(function (n) { note('added ' + n.localName + (n.className ? '.' + n.className : '')); });
        r.removedNodes.forEach(function (n) { note('removed ' + n.localName + (n.className ? '.' + n.className : '')); });
      });
    }).observe(host.shadowRoot, { childList: true, subtree: true });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();`;
site.pages.set('/probe.js.txt', { body: PROBE });
site.pages.set('/', { body: snippetPage({ domain: emu.url, contactCenterId: CC_ID }, { extraHead: '<script src="/probe.js"></script>' }) });

let failures = 0;
let pressedThrough = 0;
for (let i = 1; i <= runs; i++) {
  await resetEmulator(emu.url);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  try {
    await page.goto(`${site.url}/`);
    await page.waitFor(() => (window as any).bus);
    await page.click('.launcher');
    let opened = false;
    try {
      await page.waitFor(() => !!document.querySelector('parley-chat')?.shadowRoot?.querySelector('section.container'), undefined, 5000);
      opened = true;
    } catch {
      opened = false;
    }
    // The app chunk arrived (mount() appends its container) while the launcher was pressed.
    const probe = await page.evaluate(() => (window as any).__probe as string[]);
    const at = (what: string) => probe.findIndex((line) => line.split(' ').slice(1).join(' ').startsWith(what));
    if (at('pointerdown') < at('added div') && at('added div') < at('pointerup')) pressedThrough++;
    if (!opened) {
      failures++;
      console.log(`run ${i}: OPENED NOTHING\n  ${probe.join('\n  ')}`);
    } else if (process.env.VERBOSE) {
      console.log(`run ${i}: ok\n  ${probe.join('\n  ')}`);
    }
  } finally {
    await context.close();
  }
}
console.log(`${engine}: ${failures} of ${runs} first launcher clicks opened nothing; in ${pressedThrough} the app arrived between the press and the release`);
await browser.close();
await site.close();
await emu.close();
process.exit(failures ? 1 : 0);
