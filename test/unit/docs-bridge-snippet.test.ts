// The callback check that bot-bridge/README.md gives bot developers, run as written against
// signatures the bridge makes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { signCallback } from '../../bot-bridge/jobs/callback';
import { testTempDir } from '../support/temp';

const readme = readFileSync(fileURLToPath(new URL('../../bot-bridge/README.md', import.meta.url)), 'utf8');
const snippet = /```js\n([\s\S]*?isFromParley[\s\S]*?)```/.exec(readme)![1]!;

it("verifies the bridge's callbacks, and refuses changed, forged and stale ones", async () => {
  const file = join(testTempDir('parley-doc-'), 'check.mjs');
  writeFileSync(file, snippet);
  const { isFromParley } = (await import(pathToFileURL(file).href)) as { isFromParley(raw: Buffer, headers: Record<string, string>, secret: string, maxAgeMs?: number): boolean };
  const body = Buffer.from(JSON.stringify({ id: 'ev:1', type: 'message', data: { text: 'Grüße ✓' } }));
  const now = Date.now();
  const headers = { 'x-parley-timestamp': String(now), 'x-parley-signature': signCallback('s3cret', now, body) };
  expect(isFromParley(body, headers, 's3cret')).toBe(true);
  expect(isFromParley(Buffer.concat([body, Buffer.from(' ')]), headers, 's3cret')).toBe(false);
  expect(isFromParley(body, headers, 'other')).toBe(false);
  expect(isFromParley(body, { ...headers, 'x-parley-timestamp': String(now + 1) }, 's3cret')).toBe(false);
  const old = now - 10 * 60_000;
  expect(isFromParley(body, { 'x-parley-timestamp': String(old), 'x-parley-signature': signCallback('s3cret', old, body) }, 's3cret')).toBe(false);
});
