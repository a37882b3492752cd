// A real HTTP server that records webhook deliveries byte for byte, and can be told to fail.
import { createServer, type IncomingHttpHeaders } from 'node:http';

export interface Delivery {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  body: any;
  at: number;
}

export async function startReceiver() {
  const deliveries: Delivery[] = [];
  /** Status to answer for each next request (then 200). */
  const plan: number[] = [];
  let always: number | null = null;
  const rules: { match: (body: any) => boolean; statuses: number[] }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      let body: unknown = null;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        /* keep null */
      }
      deliveries.push({ headers: req.headers, raw, body, at: Date.now() });
      const rule = rules.find((r) => r.statuses.length > 0 && r.match(body));
      res.statusCode = always ?? rule?.statuses.shift() ?? plan.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('receiver did not bind');
  return {
    url: `http://127.0.0.1:${address.port}/hook`,
    deliveries,
    /** Events (not the verification ping), in arrival order. */
    events: () => deliveries.filter((d) => d.body?.eventType !== 'WEB_HOOK_VERIFY').map((d) => d.body),
    failNext: (...statuses: number[]) => plan.push(...statuses),
    /** The next deliveries whose body matches answer these statuses, in turn. */
    failWhen: (match: (body: any) => boolean, ...statuses: number[]) => rules.push({ match, statuses }),
    failAlways: (status: number | null) => {
      always = status;
    },
    reset: () => {
      deliveries.length = 0;
      plan.length = 0;
      rules.length = 0;
      always = null;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
