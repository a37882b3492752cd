// The demo's parts as real processes (`node --import tsx <entry>`, as npm run would start them), on
// free ports, for end-to-end tests: the emulator, the demo bot, the Direct Line service, and
// bridges. Their temp folder is the run's (what tsx caches there goes with it).
import { startProcess as start } from '../bench/lib';
import { eventually } from './emulator';
import { tempRoot } from './temp';

export type Running = Awaited<ReturnType<typeof start>>;

const startProcess = (entry: string, env: Record<string, string>, urlPattern: RegExp) => start(entry, { TMPDIR: tempRoot(), ...env }, urlPattern);

export function startEmulatorProcess(env: Record<string, string> = {}): Promise<Running> {
  return startProcess('demo/contact-center/index.ts', { EMULATOR_PORT: '0', LOG_LEVEL: 'error', ...env }, /listening on (http:\/\/\S+)/);
}

export async function startBotProcess(env: Record<string, string> = {}): Promise<Running & { endpoint: string }> {
  const bot = await startProcess('demo/bot/index.ts', { BOT_PORT: '0', LOG_LEVEL: 'error', ...env }, /bot: listening on (http:\/\/\S+)/);
  return { ...bot, endpoint: `${bot.url}/api/messages` };
}

/** The demo Direct Line service as a process (npm run directline), fronting BOT_ENDPOINT. */
export function startDirectLineProcess(env: Record<string, string> = {}): Promise<Running> {
  return startProcess('demo/directline/index.ts', { DIRECTLINE_PORT: '0', LOG_LEVEL: 'error', ...env }, /directline: listening on (http:\/\/\S+)/);
}

/**
 * A bridge process, returned once /readyz says its store and gateway are there: from its sources
 * (`npm run bridge`), or from a compiled bundle (`npm run build:bridge`, bot-bridge/bundle.ts).
 */
export async function startBridgeProcess(env: Record<string, string>, entry = 'bot-bridge/index.ts'): Promise<Running> {
  const bridge = await startProcess(entry, { BRIDGE_PORT: '0', LOG_LEVEL: 'warn', ...env }, /bridge: listening on (http:\/\/\S+)/);
  await eventually(
    async () => {
      const response = await fetch(`${bridge.url}/readyz`);
      if (response.status !== 200) throw new Error(`not ready: ${await response.text()}`);
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  return bridge;
}

/** Stops every process given, even if some already exited. */
export async function stopAll(...processes: (Running | undefined)[]): Promise<void> {
  await Promise.all(processes.filter((p): p is Running => !!p).map((p) => p.stop()));
}
