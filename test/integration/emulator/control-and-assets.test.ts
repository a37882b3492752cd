// The emulator's control API changes nothing unless the request is JSON (what a cross-site page
// cannot send without a CORS preflight, which the API never grants), and the agent console's asset
// route answers 404 for what is not a file (it answered 500 for the assets folder itself).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { http, startEmulator, type RunningEmulator } from '../../support/emulator';

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu?.close());

const agentsAvailable = async () => (await http(`${emu.url}/emulator/api/control`)).body.agentsAvailable.support;

it('refuses control and reset requests that are not JSON, before reading them', async () => {
  expect((await http(`${emu.url}/emulator/api/control`, { method: 'POST', json: { agentsAvailable: 7 } })).status).toBe(200);
  const simple = [
    { headers: { 'content-type': 'text/plain' }, body: '{"agentsAvailable":0}' },
    { headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: '{"agentsAvailable":0}' },
    { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'agentsAvailable=0' },
    { headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x--' },
    { headers: {}, body: undefined },
    { headers: { 'content-type': 'application/jsonp' }, body: '{}' },
  ];
  for (const path of ['/emulator/api/control', '/emulator/api/reset']) {
    for (const { headers, body } of simple) {
      const r = await http(`${emu.url}${path}`, { method: 'POST', headers, ...(body === undefined ? {} : { body }) });
      expect(r.status, `${path} ${JSON.stringify(headers)}`).toBe(415);
      expect(r.body.error).toMatch(/JSON only/);
    }
  }
  expect(await agentsAvailable()).toBe(7);
  // No CORS: a browser's preflight for a JSON request from another site is not granted.
  const preflight = await fetch(`${emu.url}/emulator/api/reset`, {
    method: 'OPTIONS',
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
  expect(preflight.headers.get('access-control-allow-origin')).toBeNull();

  expect((await http(`${emu.url}/emulator/api/reset`, { method: 'POST', json: {} })).body).toEqual({ reset: true });
  expect(await agentsAvailable()).toBe(2);
});

it('answers 404, not 500, for the assets folder and for assets that are not there', async () => {
  for (const path of ['/agent/assets/', '/agent/assets/.', '/agent/assets/nope.js', '/agent/assets/%2e%2e/index.html']) {
    const r = await fetch(`${emu.url}${path}`);
    expect(r.status, path).toBe(404);
  }
  const page = await (await fetch(`${emu.url}/agent`)).text();
  const asset = /\/agent\/assets\/[\w.-]+\.js/.exec(page)?.[0];
  expect(asset).toBeDefined();
  expect((await fetch(`${emu.url}${asset}`)).status).toBe(200);
});
