// Shared pieces of the benchmarks: rows, percentiles, child processes that print their URL.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';

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
  // A compiled entry (.mjs, e.g. the bridge's production bundle) runs as is; sources through tsx.
  const args = entry.endsWith('.mjs') ? ['--enable-source-maps', entry] : ['--import', 'tsx', entry];
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** Resident memory of a process (MB) and its peak, from /proc (Linux). */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: round(kb('VmRSS') / 1024, 1), peakMb: round(kb('VmHWM') / 1024, 1) };
}

export interface BlastRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

/**
 * Sends `total` requests as fast as `concurrency` keep-alive connections allow (node:http, which
 * costs the client less than fetch, so the server is what is measured); returns the rate, the
 * sorted latencies and the count of failures (no answer, or a status of 300 or more).
 */
export async function blast(
  total: number,
  concurrency: number,
  make: (i: number) => BlastRequest,
): Promise<{ perSecond: number; latencies: number[]; errors: number; elapsedS: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  let errors = 0;
  const latencies: number[] = [];
  const once = (r: BlastRequest) =>
    new Promise<number>((resolve) => {
      const url = new URL(r.url);
      const req = httpRequest({ agent, host: url.hostname, port: url.port, path: url.pathname + url.search, method: r.method ?? 'POST', headers: r.headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', () => resolve(0));
      req.end(r.body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        const status = await once(make(i));
        if (status === 0 || status >= 300) errors++;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { perSecond: round(total / elapsedS, 1), latencies, errors, elapsedS };
}

/**
 * The bridge's Customer Chat API limits turned off: a bench's load comes from one address and is
 * not abuse (the abuse bench measures the limits).
 */
export const NO_LIMITS = {
  LIMIT_CHATS_PER_ADDRESS: 'off',
  LIMIT_CHATS_PER_CONTACT_CENTER: 'off',
  LIMIT_OPEN_CHATS_PER_ADDRESS: '0',
  LIMIT_MESSAGES_PER_ADDRESS: 'off',
  LIMIT_MESSAGES_PER_CONTACT_CENTER: 'off',
  LIMIT_MESSAGES_PER_CHAT: 'off',
  LIMIT_TYPING_PER_ADDRESS: 'off',
  LIMIT_TYPING_PER_CONTACT_CENTER: 'off',
} as const;

/** A JSON client over keep-alive node:http with `maxSockets` connections, for benches (cheaper than fetch); `close()` ends its connections. */
export function jsonCaller(maxSockets: number) {
  // An idle connection is closed after 30 s, before the server's keep-alive timeout (Fastify's is
  // 72 s): a request never goes out on a connection the server is closing at that moment (that
  // race answered nothing, status 0, to a few sends after a quiet minute).
  const agent = new Agent({ keepAlive: true, maxSockets, timeout: 30_000 });
  const call = function call(url: string, method = 'GET', body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; ms: number }> {
    const t0 = performance.now();
    return new Promise((resolve) => {
      const u = new URL(url);
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = httpRequest(
        { agent, host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              /* keep the text */
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, ms: performance.now() - t0 });
          });
        },
      );
      req.on('error', () => resolve({ status: 0, body: undefined, ms: performance.now() - t0 }));
      req.end(payload);
    });
  };
  /** Ends the keep-alive connections (the process may exit). */
  return Object.assign(call, { close: () => agent.destroy() });
}
