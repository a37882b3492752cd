// The demo site as a real process (`tsx demo/site/index.ts`): a request it cannot decode is the
// client's 400, and the site goes on serving. It used to exit: decodeURIComponent threw a URIError
// outside any try, in the request handler.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startProcess } from '../../bench/lib';
import { tempRoot } from '../../support/temp';

let site: Awaited<ReturnType<typeof startProcess>>;

beforeAll(async () => {
  site = await startProcess('demo/site/index.ts', { SITE_PORT: '0', TMPDIR: tempRoot() }, /demo site listening on (http:\/\/\S+)/);
});
afterAll(() => site?.stop());

it('answers 400 to a path that is not percent-encoded UTF-8, and keeps serving', async () => {
  for (const path of ['/%E0%A4%A', '/%', '/%C0%AF', '/parley/%FF']) {
    const r = await fetch(`${site.url}${path}`);
    expect(r.status, path).toBe(400);
    expect(await r.text()).toMatch(/Bad request/);
  }
  expect(site.child.exitCode).toBeNull();
  const config = await fetch(`${site.url}/demo-config.js`);
  expect(config.status).toBe(200);
  expect(await config.text()).toContain('window.PARLEY_DEMO');
  expect((await fetch(`${site.url}/%2E%2E/%2E%2E/package.json`)).status).toBe(404);
});
