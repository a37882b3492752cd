// Builds what the browser tests load, once, before any test runs: the widget (dist/) when it is
// older than its sources, and the agent console.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureAgentConsole } from '../../demo/contact-center/agent/console-build';

const root = fileURLToPath(new URL('../..', import.meta.url));

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

export async function ensureWidget(): Promise<void> {
  const outputs = ['dist/chat.js', 'dist/app.js'].map((f) => join(root, f));
  const sources = Math.max(newest(join(root, 'src')), statSync(join(root, 'vite.config.ts')).mtimeMs);
  if (outputs.every((f) => existsSync(f) && statSync(f).mtimeMs >= sources)) return;
  const { build } = await import('vite');
  // The same bundle `npm run build` makes: under Vitest NODE_ENV is "test", which would give the
  // development JSX transform (bigger, and not what sites get).
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root, logLevel: 'warn' });
    await build({ root, mode: 'loader', logLevel: 'warn' });
  } finally {
    if (before === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = before;
  }
}

export default async function setup(): Promise<void> {
  await ensureWidget();
  await ensureAgentConsole();
}
