import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCES = fileURLToPath(new URL('./console', import.meta.url));
const CONFIG = fileURLToPath(new URL('../../../vite.config.ts', import.meta.url));
const OUT = join(SOURCES, 'dist');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** Builds the agent console with the project's Vite setup when it is missing or older than its sources. */
export async function ensureAgentConsole(): Promise<void> {
  const index = join(OUT, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newest(SOURCES)) return;
  await buildAgentConsole();
}

/** The console's build with the project's Vite setup (its own root), whatever the working folder. */
export async function buildAgentConsole(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: CONFIG, mode: 'agent-console', logLevel: 'warn' });
}
