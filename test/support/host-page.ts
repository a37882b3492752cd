// A host site on its own origin that serves the built widget (dist/) under a sub-path, to prove
// dist/ is relocatable, and pages that embed it with the documented snippet.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DIST = fileURLToPath(new URL('../../dist', import.meta.url));
const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.map': 'application/json',
  '.css': 'text/css',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
};

export interface Page {
  body: string;
  headers?: Record<string, string>;
}

export interface HostSite {
  url: string;
  /** Pages by path; change them between tests. */
  pages: Map<string, Page>;
  /** Every request the site served (path), for asserting what the widget loaded. */
  served: string[];
  close(): Promise<void>;
}

export async function startHostSite(widgetPath = '/static/parley/'): Promise<HostSite> {
  const pages = new Map<string, Page>();
  const served: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    served.push(path);
    if (path.startsWith(widgetPath)) {
      const file = join(DIST, normalize(path.slice(widgetPath.length)).replace(/^(\.\.[/\\])+/, ''));
      if (file.startsWith(DIST) && existsSync(file) && statSync(file).isFile()) {
        // Module chunks from another origin are CORS requests: a CDN must allow them.
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store', 'access-control-allow-origin': '*' });
        res.end(readFileSync(file));
        return;
      }
    }
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const page = pages.get(path);
    if (page) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...page.headers });
      res.end(page.body);
      return;
    }
    if (path.endsWith('.js') && pages.has(path.replace(/\.js$/, '.js.txt'))) {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(pages.get(path.replace(/\.js$/, '.js.txt'))!.body);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('host site did not bind');
  return {
    url: `http://localhost:${address.port}`,
    pages,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const DEFAULT_ON_INIT = 'function (bus, chatApp) { window.bus = bus; window.chatApp = chatApp; window.events = []; }';

/** The page's configuration script: window.__8x8Chat with an onInit that keeps the bus. */
export function configScript(config: Record<string, unknown>, onInit = DEFAULT_ON_INIT): string {
  return `window.__8x8Chat = Object.assign(${JSON.stringify(config)}, { onInit: ${onInit} });`;
}

/**
 * The documented snippet: a config object, then the loader with async. With `configSrc`, the
 * configuration comes from that (same-origin) script instead of an inline one, for strict CSP pages.
 */
export function snippetPage(
  config: Record<string, unknown>,
  options: { extraHead?: string; body?: string; onInit?: string; widgetPath?: string; configSrc?: string } = {},
): string {
  const configTag = options.configSrc ? `<script src="${options.configSrc}"></script>` : `<script>\n  ${configScript(config, options.onInit)}\n</script>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title>${options.extraHead ?? ''}</head>
<body><main><h1>Shop</h1><p>Products.</p>${options.body ?? ''}</main>
${configTag}
<script src="${options.widgetPath ?? '/static/parley/'}chat.js" async></script>
</body></html>`;
}
