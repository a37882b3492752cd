// Shared pieces of the benchmarks: rows, percentiles, child processes that print their URL.
import { spawn, type ChildProcess } from 'node:child_process';

export interface Row {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  /** What the issue asks for, e.g. "≤ 25" (informational: benchmarks do not fail the build). */
  target?: string;
  /** Whether the target is met, when there is one. */
  ok?: boolean;
  note?: string;
}

export interface Bench {
  name: string;
  run(): Promise<Row[]>;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Starts `npx tsx <entry>` with env, waits for the line with its URL, returns it and the process. */
export async function startProcess(entry: string, env: Record<string, string>, urlPattern: RegExp): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = urlPattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code}:\n${output}`)));
  });
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
