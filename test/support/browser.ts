// Debian's Chromium driven by playwright-core (no browser download): the flags this machine needs.
import { chromium, type Browser } from 'playwright-core';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** A host page's server on its own origin: routes map a path to [content type, body, headers]. */
export async function startSite(routes: Record<string, (req: IncomingMessage) => { type: string; body: string | Buffer; headers?: Record<string, string> }>) {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const route = routes[path];
    if (!route) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    const { type, body, headers = {} } = route(req);
    res.writeHead(200, { 'content-type': type, ...headers });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('site did not bind');
  // "localhost" here and 127.0.0.1 for the emulator makes the two different origins (and sites).
  return { url: `http://localhost:${address.port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}
