// Before any test runs: builds what the browser tests load (the widget's dist/ when it is older than
// its sources, and the agent console), and makes the run's folder for temporary files (see temp.ts),
// which the teardown removes with whatever a test or a process left in it.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { ensureAgentConsole } from '../../demo/contact-center/agent';

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

export default async function setup(project: TestProject): Promise<() => void> {
  await ensureWidget();
  await ensureAgentConsole();
  const tempRoot = mkdtempSync(join(tmpdir(), 'parley-test-'));
  project.provide('tempRoot', tempRoot);
  return () => rmSync(tempRoot, { recursive: true, force: true });
}
