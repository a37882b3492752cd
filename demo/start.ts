// `npm start`: builds the widget and the agent console, starts the emulator, the demo bot, the bot
// bridge (SQLite) and the demo site one after another, each once the previous one answers, prints
// the URLs, and stops them all on Ctrl-C: it waits until every part has exited (the bridge first
// drains its outbox, up to SHUTDOWN_DRAIN_S), so no port is left taken when it returns.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildAgentConsole } from './contact-center/agent';
import { DEMO_SECRET } from './directline/config';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = process.env;
const children: { name: string; child: ChildProcess }[] = [];
let stopping = false;
let stoppingSince = 0;

/** The bridge drains its outbox for up to SHUTDOWN_DRAIN_S (default 10 s) when stopped; wait longer than that, then kill. */
const drainS = Number.isFinite(Number(env.SHUTDOWN_DRAIN_S ?? 10)) ? Number(env.SHUTDOWN_DRAIN_S ?? 10) : 10;
const STOP_TIMEOUT_MS = Math.max(15, drainS + 5) * 1000;

const isRunning = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;
const exited = (child: ChildProcess) => (isRunning(child) ? new Promise<void>((resolve) => child.once('exit', () => resolve())) : Promise.resolve());

function run(name: string, entry: string, extraEnv: Record<string, string>, ready: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    if (stopping) return reject(new Error('stopping'));
    const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: root, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push({ name, child });
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
    child.once('exit', (code, signal) => {
      if (!done) reject(new Error(`${name} stopped (${signal ?? `exit code ${code}`}) before it was ready`));
      else if (!stopping) {
        console.error(`[${name}] stopped unexpectedly (${signal ?? `exit code ${code}`}); stopping the demo`);
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

/**
 * Stops every part and exits once all of them have exited: SIGTERM to each, then SIGKILL to whatever
 * still runs after STOP_TIMEOUT_MS (then the exit code is 1). Called again (another Ctrl-C), it only
 * says what it is still waiting for.
 */
function stopAll(code: number): void {
  const running = children.filter(({ child }) => isRunning(child));
  if (stopping) {
    // One Ctrl-C can arrive twice (from the terminal and passed on by npm): say nothing for that one.
    if (running.length && Date.now() - stoppingSince > 1000) console.log(`[start] still stopping: waiting for ${running.map((c) => c.name).join(', ')}`);
    return;
  }
  stopping = true;
  stoppingSince = Date.now();
  if (running.length) console.log(`[start] stopping ${running.map((c) => c.name).join(', ')}…`);
  for (const { child } of running) child.kill('SIGTERM');
  let killed = false;
  const timer = setTimeout(() => {
    for (const { name, child } of running.filter((c) => isRunning(c.child))) {
      console.error(`[start] ${name} did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing it`);
      killed = true;
      child.kill('SIGKILL');
    }
  }, STOP_TIMEOUT_MS);
  void Promise.all(running.map(({ child }) => exited(child))).then(() => {
    clearTimeout(timer);
    if (running.length) console.log('[start] stopped');
    process.exit(killed ? 1 : code);
  });
}

async function build(): Promise<void> {
  console.log('[build] building the widget and the agent console…');
  const { build: viteBuild } = await import('vite');
  await viteBuild({ root, logLevel: 'warn' });
  await viteBuild({ root, mode: 'loader', logLevel: 'warn' });
  await buildAgentConsole();
}

/** The demo Direct Line service in front of the demo bot (`npm run directline`). */
async function startDirectLine(botEndpoint: string): Promise<string> {
  const url = await run(
    'directline',
    'demo/directline/index.ts',
    { DIRECTLINE_PORT: env.DIRECTLINE_PORT ?? '4030', BOT_ENDPOINT: botEndpoint, DIRECT_LINE_SECRET: env.DIRECT_LINE_SECRET ?? DEMO_SECRET },
    /directline: listening on (http:\/\/\S+)/,
  );
  await answers(`${url}/healthz`);
  return url;
}

async function main(): Promise<void> {
  // `on`, not `once`: a second Ctrl-C (or npm and the terminal both passing one on) must not kill this
  // process before the parts have stopped.
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));
  await build();
  const emulator = await run('emulator', 'demo/contact-center/index.ts', { EMULATOR_PORT: env.EMULATOR_PORT ?? '4010' }, /listening on (http:\/\/\S+)/);
  await answers(`${emulator}/healthz`);
  const bot = await run('bot', 'demo/bot/index.ts', { BOT_PORT: env.BOT_PORT ?? '3978' }, /listening on (http:\/\/\S+?)\s/);
  const botEndpoint = env.BOT_ENDPOINT ?? `${bot}/api/messages`;
  // BOT_TRANSPORT=directline: the bridge reaches the bot over Direct Line; without a DIRECT_LINE_URL
  // of its own (a real bot's), the demo Direct Line service fronts the demo bot.
  const directLine = env.BOT_TRANSPORT === 'directline' && !env.DIRECT_LINE_URL ? await startDirectLine(botEndpoint) : null;
  const bridge = await run(
    'bridge',
    'bot-bridge/index.ts',
    {
      BRIDGE_PORT: env.BRIDGE_PORT ?? '4020',
      GATEWAY_URL: env.GATEWAY_URL ?? emulator,
      BOT_ENDPOINT: botEndpoint,
      ...(directLine ? { DIRECT_LINE_URL: directLine, DIRECT_LINE_SECRET: env.DIRECT_LINE_SECRET ?? DEMO_SECRET } : {}),
    },
    /listening on (http:\/\/\S+)/,
  );
  await answers(`${bridge}/healthz`);
  const site = await run('site', 'demo/site/index.ts', { SITE_PORT: env.SITE_PORT ?? '5173', EMULATOR_URL: emulator, BRIDGE_URL: bridge }, /listening on (http:\/\/\S+)/);
  await answers(site);
  console.log(`
Parley demo is running:
  shop, chat with an agent           ${site}/
  shop, a bot first                  ${site}/bot.html
  webview page, chat with an agent   ${site}/webview.html
  webview page, a bot first          ${site}/webview.html?via=bot
  bus playground                     ${site}/playground.html
  agent console                      ${emulator}/agent
  contact-center emulator            ${emulator}
  bot bridge                         ${bridge}
  demo bot                           ${bot}/api/messages${directLine ? `\n  demo Direct Line (bot transport)   ${directLine}` : ''}
Open a shop (or a webview page, the page a mobile app loads, in a phone-sized window) and the agent
console side by side. Press Ctrl-C to stop everything.`);
}

main().catch((error) => {
  if (stopping) return; // Ctrl-C while starting: stopAll is already at work.
  console.error(`start: ${(error as Error).message}`, process.env.PARLEY_DEBUG ? error : '');
  stopAll(1);
});
