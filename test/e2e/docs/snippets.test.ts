// Every snippet in the docs runs: the embed snippets in a page, the onInit examples and the
// TypeScript example (compiled) in a page, and the native samples' messages as each sample would
// send them to a webview page. test/unit/docs-typescript.test.ts type-checks the TypeScript example.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import ts from 'typescript';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { widgetEnvironment } from '../../support/widget-env';
import { CC_ID, agentClient, control, eventually, resetEmulator } from '../../support/emulator';
import { snippetPage } from '../../support/host-page';

const read = (path: string) => readFileSync(fileURLToPath(new URL(`../../../${path}`, import.meta.url)), 'utf8');
const blocks = (markdown: string, language: string) => [...markdown.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
const DOCS = { 'README.md': read('README.md'), 'src/README.md': read('src/README.md') };

let context: BrowserContext;
let page: Page;
let errors: string[];

const env = widgetEnvironment();
beforeEach(async () => {
  await resetEmulator(env.emu.url);
  await control(env.emu.url, { chatScript: { preChat: { enabled: false, fields: [] } } });
  context = await env.browser.newContext();
  page = await context.newPage();
  errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
});
afterEach(() => context?.close());

/** A doc's example URLs point at this test's emulator and widget. */
const localise = (code: string) => code.replace(/https:\/\/cc\.example\.com/g, env.emu.url).replace(/https:\/\/[\w./-]+\/parley\/chat\.js/g, '/static/parley/chat.js');

const embeds = Object.entries(DOCS).flatMap(([doc, text]) =>
  blocks(text, 'html')
    .filter((b) => b.includes('__8x8Chat'))
    .map((code, i) => [`${doc} #${i + 1}`, code] as const),
);

describe('embed snippets', () => {
  it('finds the snippets to run', () => expect(embeds.length).toBeGreaterThanOrEqual(2));

  it.each(embeds)('%s loads the widget and reaches the contact center', async (_name, code) => {
    env.site.pages.set('/snippet', { body: `<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>Page</h1></main>${localise(code)}</body></html>` });
    await page.goto(`${env.site.url}/snippet`);
    await page.locator('parley-chat .launcher').click();
    const agent = agentClient(env.emu.url);
    await eventually(async () => expect(await agent.list()).toHaveLength(1), { timeoutMs: 10_000 });
    const [chat] = await agent.list();
    if (code.includes('customer:set-info')) expect(chat.userData).toMatchObject({ 'First name': 'John' });
    expect(errors).toEqual([]);
  });
});

const onInits = blocks(DOCS['src/README.md'], 'js').filter((b) => b.trim().startsWith('onInit:'));

describe('onInit examples', () => {
  it('finds the examples to run', () => expect(onInits.length).toBeGreaterThanOrEqual(2));

  it.each(onInits.map((code, i) => [`src/README.md example ${i + 1}`, code] as const))('%s runs, and what it sets reaches the agent', async (_name, code) => {
    const config = `{ domain: ${JSON.stringify(env.emu.url)}, contactCenterId: ${JSON.stringify(CC_ID)}, ${code.trim()} }`;
    env.site.pages.set('/example', {
      body: `<!doctype html><html lang="en"><head><title>t</title></head><body><main><button id="help">Help</button></main>
<script>window.__8x8Chat = ${config};</script><script src="/static/parley/chat.js" async></script></body></html>`,
    });
    await page.goto(`${env.site.url}/example`);
    await page.locator('parley-chat .launcher').click();
    const agent = agentClient(env.emu.url);
    await eventually(async () => expect(await agent.list()).toHaveLength(1), { timeoutMs: 10_000 });
    const [chat] = await agent.list();
    for (const match of code.matchAll(/"([^"]+)":\s*"([^"]+)"/g)) expect(chat.userData[match[1]!]).toBe(match[2]);
    if (code.includes('chat:set-language')) expect(chat.userData.$language).toBe(/chat:set-language", "(\w+)"/.exec(code)![1]);
    expect(errors).toEqual([]);
  });
});

describe('the TypeScript example', () => {
  const examples = blocks(DOCS['src/README.md'], 'ts');

  it('compiled as an integrator would, runs in a page, and what it sets reaches the agent', async () => {
    expect(examples).toHaveLength(1);
    const compiled = ts.transpileModule(examples[0]!, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
    // Its only import is of types, so what is left is a script (but for the module marker).
    const script = compiled.replace(/^export \{\};\s*$/m, '');
    expect(script).not.toMatch(/\b(import|export)\b/);
    expect(script).toContain('window.__8x8Chat =');
    env.site.pages.set('/typescript', {
      body: `<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>Page</h1></main>
<script>${localise(script)}</script><script src="/static/parley/chat.js" async></script></body></html>`,
    });
    await page.goto(`${env.site.url}/typescript`);
    await page.locator('parley-chat .launcher').click();
    const agent = agentClient(env.emu.url);
    await eventually(async () => expect(await agent.list()).toHaveLength(1), { timeoutMs: 10_000 });
    const [chat] = await agent.list();
    expect(chat.userData).toMatchObject({ 'First name': 'John', Premium: true, $language: 'pt' });
    expect(errors).toEqual([]);
  });
});

describe('native samples', () => {
  const src = DOCS['src/README.md'];
  const kotlin = blocks(src, 'kotlin')[0]!;
  const swift = blocks(src, 'swift')[0]!;
  const tsx = blocks(src, 'tsx')[0]!;

  it('each sample wires its handler, answers webview:ready and closes on webview:close-requested', () => {
    expect(kotlin).toContain('addJavascriptInterface(ParleyBridge(), "ParleyAndroid")');
    expect(swift).toContain('name: "parley"');
    expect(tsx).toContain('onMessage={onMessage}');
    for (const sample of [kotlin, swift, tsx]) {
      for (const part of ['webview:ready', 'webview:close-requested', 'customer:set-info', 'chat:set-language', 'window.parley && window.parley.receive('])
        expect(sample).toContain(part);
    }
  });

  it('their messages, built as each sample builds them, drive the widget', async () => {
    // Each sample answers webview:ready; here the page plays the three apps in turn.
    const message = (topic: string, data: unknown) => JSON.stringify({ type: 'bus', topic, data });
    await context.addInitScript(() => {
      (window as any).ReactNativeWebView = {
        postMessage(json: string) {
          if (JSON.parse(json).topic === 'webview:ready') (window as any).onReady?.();
        },
      };
    });
    const script = `window.onReady = function () {
      // Android: JSONObject.quote(json) is a JS string literal of the JSON.
      window.parley && window.parley.receive(${JSON.stringify(message('customer:set-info', { 'Customer id': '12345', Plan: 'Gold' }))});
      // React Native: JSON.stringify of the JSON, then "; true;".
      window.parley && window.parley.receive(${JSON.stringify(message('chat:set-variables', { _from: 'react-native' }))}); true;
      // iOS: the serialised object itself, as a JS object literal.
      window.parley && window.parley.receive(${message('chat:set-language', 'pt')});
    };`;
    env.site.pages.set('/app.js', { body: script, headers: { 'content-type': 'text/javascript' } });
    env.site.pages.set('/webview', { body: snippetPage({ domain: env.emu.url, contactCenterId: CC_ID, mode: 'webview' }, { extraHead: '<script src="/app.js"></script>' }) });
    await page.goto(`${env.site.url}/webview`);
    const agent = agentClient(env.emu.url);
    const chat = await eventually(async () => {
      const [first] = await agent.list();
      expect(first).toBeDefined();
      return first;
    });
    expect(chat.userData).toMatchObject({ 'Customer id': '12345', Plan: 'Gold', _from: 'react-native', $language: 'pt' });
    expect(errors).toEqual([]);
  });
});
