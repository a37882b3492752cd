// `npm start`: builds what the demo serves, starts every part of it, prints the URLs; Ctrl-C stops all.
import { spawn, type ChildProcess } from 'node:child_process';
import { ensureAgentConsole } from './contact-center/agent/console-build';

interface Part {
  name: string;
  entry: string;
  env: Record<string, string>;
  /** Pattern of the line that says the part is up, with its URL in group 1. */
  ready: RegExp;
}

const EMULATOR_PORT = process.env.EMULATOR_PORT ?? '4010';

const parts: Part[] = [
  { name: 'emulator', entry: 'demo/contact-center/index.ts', env: { EMULATOR_PORT }, ready: /listening on (http:\/\/\S+)/ },
];

const children: ChildProcess[] = [];

function start(part: Part): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', part.entry], { env: { ...process.env, ...part.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let seen = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      seen += text;
      for (const line of text.split('\n').filter(Boolean)) console.log(`[${part.name}] ${line}`);
      const match = part.ready.exec(seen);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${part.name} stopped (exit code ${code}) before it was ready`)));
  });
}

function stopAll(code: number): never {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exit(code);
}

async function main(): Promise<void> {
  process.once('SIGINT', () => stopAll(0));
  process.once('SIGTERM', () => stopAll(0));
  await ensureAgentConsole();
  const urls: Record<string, string> = {};
  for (const part of parts) urls[part.name] = await start(part);
  console.log('');
  console.log('Parley demo is running:');
  console.log(`  agent console              ${urls.emulator}/agent`);
  console.log(`  contact-center emulator    ${urls.emulator}`);
  console.log('Press Ctrl-C to stop everything.');
}

main().catch((error) => {
  console.error(`start: ${(error as Error).message}`);
  stopAll(1);
});
