// `npm start`: builds the widget and the agent console, starts the emulator, the demo bot, the bot
// bridge (SQLite) and the demo site one after another, each once the previous one answers, prints
// the URLs, and stops them all on Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildAgentConsole } from './contact-center/agent/console-build';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = process.env;
const children: ChildProcess[] = [];
let stopping = false;

function run(name: string, entry: string, extraEnv: Record<string, string>, ready: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: root, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let seen = '';
    let done = false;
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      seen += text;
      for (const line of text.split('\n').filter(Boolean)) console.log(`[${name}] ${line}`);
      const match = ready.exec(seen);
      if (match && !done) {
        done = true;
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      if (!done) reject(new Error(`${name} stopped (exit code ${code}) before it was ready`));
      else if (!stopping) {
        console.error(`[${name}] stopped unexpectedly (exit code ${code}); stopping the demo`);
        stopAll(1);
      }
    });
  });
}

/** Waits until a URL answers (the process printed its address; this proves it serves). */
async function answers(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} does not answer`);
}

function stopAll(code: number): void {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 1500).unref();
  Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null))).then(() => process.exit(code));
}

async function build(): Promise<void> {
  console.log('[build] building the widget and the agent console…');
  const { build: viteBuild } = await import('vite');
  await viteBuild({ root, logLevel: 'warn' });
  await viteBuild({ root, mode: 'loader', logLevel: 'warn' });
  await buildAgentConsole();
}

async function main(): Promise<void> {
  process.once('SIGINT', () => stopAll(0));
  process.once('SIGTERM', () => stopAll(0));
  await build();
  const emulator = await run('emulator', 'demo/contact-center/index.ts', { EMULATOR_PORT: env.EMULATOR_PORT ?? '4010' }, /listening on (http:\/\/\S+)/);
  await answers(`${emulator}/healthz`);
  const bot = await run('bot', 'demo/bot/index.ts', { BOT_PORT: env.BOT_PORT ?? '3978' }, /listening on (http:\/\/\S+?)\s/);
  const bridge = await run(
    'bridge',
    'bot-bridge/index.ts',
    { BRIDGE_PORT: env.BRIDGE_PORT ?? '4020', GATEWAY_URL: env.GATEWAY_URL ?? emulator, BOT_ENDPOINT: env.BOT_ENDPOINT ?? `${bot}/api/messages` },
    /listening on (http:\/\/\S+)/,
  );
  await answers(`${bridge}/healthz`);
  const site = await run('site', 'demo/site/index.ts', { SITE_PORT: env.SITE_PORT ?? '5173', EMULATOR_URL: emulator, BRIDGE_URL: bridge }, /listening on (http:\/\/\S+)/);
  await answers(site);
  console.log(`
Parley demo is running:
  shop, chat with an agent     ${site}/
  shop, a bot first            ${site}/bot.html
  webview page (for apps)      ${site}/webview.html
  bus playground               ${site}/playground.html
  agent console                ${emulator}/agent
  contact-center emulator      ${emulator}
  bot bridge                   ${bridge}
  demo bot                     ${bot}/api/messages
Open the shop and the agent console side by side. Press Ctrl-C to stop everything.`);
}

main().catch((error) => {
  console.error(`start: ${(error as Error).message}`, process.env.PARLEY_DEBUG ? error : '');
  stopAll(1);
});
