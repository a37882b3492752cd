// The abuse bench's two sides of the wire: `call` (one request over keep-alive node:http, for the
// real customers and the flood alike) and the flood itself, which runs in a child process of its
// own (`floodProcess`), so the 300 hostile loops do not starve the event loop that times the real
// customer: what the bench measures is the bridge's delay, not its own.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { jsonCaller } from './lib';

export const CC_ID = '3f6c1d2e-8b7a-4c59-9e21-5d4b3a2f1e0c';
/** The most one hostile client tries: chats, and messages (and as many typing notifications) per chat. */
const CHATS_PER_CLIENT = 20;
const MESSAGES_PER_CHAT = 40;
const BIG = 'x'.repeat(4000);

export const headersFor = (address: string) => ({ ContactCenterId: CC_ID, 'X-Forwarded-For': address });

export const call = jsonCaller(512);

export interface FloodCount {
  requests: number;
  refused: number;
  accepted: number;
  chats: number;
}

/** One hostile client, from its own address, until the deadline or its loop's end. */
async function hostile(bridge: string, address: string, over: () => boolean, count: FloodCount): Promise<void> {
  const headers = headersFor(address);
  const tally = (status: number) => {
    count.requests++;
    if (status === 429) count.refused++;
    else if (status === 200) count.accepted++;
  };
  for (let c = 0; c < CHATS_PER_CLIENT && !over(); c++) {
    const r = await call(`${bridge}/api/v2/chats`, 'POST', { operationName: 'RequestChat', nickname: `Hostile ${address}`, userData: { pad: BIG } }, headers);
    tally(r.status);
    if (r.status !== 200) continue;
    count.chats++;
    const id = r.body.id as string;
    if (c === 0) tally((await call(`${bridge}/api/v2/chats/${id}`, 'POST', { operationName: 'SendMessage', text: 'agent', clientMessageId: 'a' }, headers)).status);
    for (let m = 0; m < MESSAGES_PER_CHAT && !over(); m++) {
      tally((await call(`${bridge}/api/v2/chats/${id}`, 'POST', { operationName: 'SendMessage', text: BIG, clientMessageId: `m${m}` }, headers)).status);
      tally((await call(`${bridge}/api/v2/chats/${id}`, 'POST', { operationName: 'SendStartTypingNotification' }, headers)).status);
    }
  }
}

/** Starts `clients` hostile loops in a child process against `bridge`; `stop()` ends them (or the deadline does) and tells their count. */
export async function floodProcess(bridge: string, clients: number, maxS: number): Promise<{ stop(): Promise<FloodCount> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: { ...process.env, ABUSE_FLOOD: JSON.stringify({ bridge, clients, maxS }) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const next = (prefix: string) =>
    new Promise<string>((resolve, reject) => {
      const onLine = (line: string) => {
        if (!line.startsWith(prefix)) return;
        lines.off('line', onLine);
        resolve(line.slice(prefix.length));
      };
      lines.on('line', onLine);
      child.once('exit', (code) => reject(new Error(`the flood process exited with ${code}`)));
    });
  await next('flood: started');
  const result = next('flood: done ');
  return {
    async stop() {
      child.stdin!.end('stop\n');
      return JSON.parse(await result) as FloodCount;
    },
  };
}

// The child: run the loops until told to stop (a line on stdin, or stdin closing) or the deadline.
if (process.env.ABUSE_FLOOD) {
  const { bridge, clients, maxS } = JSON.parse(process.env.ABUSE_FLOOD) as { bridge: string; clients: number; maxS: number };
  const count: FloodCount = { requests: 0, refused: 0, accepted: 0, chats: 0 };
  const deadline = Date.now() + maxS * 1000;
  let done = false;
  process.stdin.on('data', () => (done = true));
  process.stdin.on('end', () => (done = true));
  const over = () => done || Date.now() > deadline;
  console.log('flood: started');
  void Promise.all(Array.from({ length: clients }, (_, i) => hostile(bridge, `10.66.${i >> 8}.${i & 255}`, over, count))).then(() => {
    console.log(`flood: done ${JSON.stringify(count)}`);
    process.exit(0);
  });
}
