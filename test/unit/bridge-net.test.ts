// Requests to URLs a caller chose (net/): only public addresses in any spelling, names judged when
// resolved with the checked address pinned for the connection, and redirects never followed.
// Real HTTP servers on loopback addresses stand for the internal services a caller must not reach.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkUrl, nonPublicReason, OutboundError, safeRequest, type OutboundPolicy } from '../../bot-bridge/net';

const strict: OutboundPolicy = { allowHttp: true, allowPrivate: false, hosts: [] };
const servers: Server[] = [];

async function serve(host: string, port = 0, answer: (url: string) => { status: number; headers?: Record<string, string> } = () => ({ status: 200 })) {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    req.resume();
    const { status, headers } = answer(req.url ?? '');
    res.writeHead(status, headers).end('body');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  servers.push(server);
  return { hits, port: (server.address() as AddressInfo).port };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('which addresses are public', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['100.100.100.200', 'private'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['192.0.0.192', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['168.63.129.16', 'metadata'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:a00:1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b:1::1', 'private'],
    ['2002:a9fe:a9fe::1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'private'],
    ['fd00:ec2::254', 'private'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['not an address', 'invalid'],
  ])('%s is %s', (address, why) => {
    expect(nonPublicReason(address)).toBe(why);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '2a00:1450:4001::200e', '64:ff9b::808:808', '::ffff:8.8.8.8'])(
    '%s is public',
    (address) => {
      expect(nonPublicReason(address)).toBeNull();
    },
  );
});

describe('URLs a caller gives', () => {
  it.each([
    ['http://127.0.0.1/', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://0x7f.0.0.1/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://0/', 'unspecified'],
    ['http://[::1]:8080/x', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::ffff:a9fe:a9fe]/', 'link-local'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://[fd00:ec2::254]/', 'private'],
    ['http://10.0.0.7:6379/', 'private'],
  ])('refuses %s (%s), in whatever spelling', (url, why) => {
    const checked = checkUrl(url, strict);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.message).toContain(why);
  });

  it('wants https unless plain http is allowed, and no credentials', () => {
    expect(checkUrl('http://bot.example.com/cb', { ...strict, allowHttp: false })).toMatchObject({ ok: false, message: expect.stringContaining('https') });
    expect(checkUrl('https://bot.example.com/cb', { ...strict, allowHttp: false }).ok).toBe(true);
    expect(checkUrl('ftp://bot.example.com/cb', strict).ok).toBe(false);
    expect(checkUrl('https://u:p@bot.example.com/cb', strict)).toMatchObject({ ok: false, message: expect.stringContaining('credentials') });
    expect(checkUrl(`https://bot.example.com/${'x'.repeat(2000)}`, strict).ok).toBe(false);
  });

  it('keeps to CALLBACK_HOSTS when it is set', () => {
    const hosts = { ...strict, hosts: ['bot.example.com', '*.bots.example.net'] };
    expect(checkUrl('https://bot.example.com/cb', hosts).ok).toBe(true);
    expect(checkUrl('https://BOT.example.com./cb', hosts).ok).toBe(true);
    expect(checkUrl('https://a.bots.example.net/cb', hosts).ok).toBe(true);
    expect(checkUrl('https://bots.example.net/cb', hosts).ok).toBe(false);
    expect(checkUrl('https://evilbots.example.net/cb', hosts).ok).toBe(false);
    expect(checkUrl('https://bot.example.com.evil.io/cb', hosts).ok).toBe(false);
    expect(checkUrl('https://8.8.8.8/cb', hosts).ok).toBe(false);
  });

  it('lets a public literal through', () => {
    expect(checkUrl('https://8.8.8.8/cb', strict)).toMatchObject({ ok: true, literal: '8.8.8.8' });
    expect(checkUrl('https://[2606:4700:4700::1111]/cb', strict)).toMatchObject({ ok: true, literal: '2606:4700:4700::1111' });
  });
});

describe('safeRequest', () => {
  it('refuses a name that resolves to loopback before any connection (localhost)', async () => {
    const internal = await serve('127.0.0.1');
    const request = safeRequest(`http://localhost:${internal.port}/emulator/api/reset`, { method: 'POST', body: '{}', timeoutMs: 2000, policy: strict });
    await expect(request).rejects.toMatchObject({ name: 'OutboundError', kind: 'refused' });
    expect(internal.hits).toEqual([]);
  });

  it('refuses a name when any of its addresses is not public, and literals before dialling', async () => {
    const internal = await serve('127.0.0.1');
    const mixed = async () => [
      { address: '8.8.8.8', family: 4 as const },
      { address: '127.0.0.1', family: 4 as const },
    ];
    await expect(safeRequest(`http://mixed.example:${internal.port}/`, { method: 'GET', timeoutMs: 2000, policy: strict, resolve: mixed })).rejects.toBeInstanceOf(OutboundError);
    await expect(safeRequest(`http://2130706433:${internal.port}/`, { method: 'GET', timeoutMs: 2000, policy: strict })).rejects.toMatchObject({ kind: 'refused' });
    expect(internal.hits).toEqual([]);
  });

  it('connects to the address it checked, however the name resolves the next time (DNS rebinding)', async () => {
    // 127.0.0.2 stands for a public address here, 127.0.0.1 for the internal one, same port.
    const outside = await serve('127.0.0.2');
    const inside = await serve('127.0.0.1', outside.port);
    let lookups = 0;
    const rebinding = async () => [{ address: lookups++ === 0 ? '127.0.0.2' : '127.0.0.1', family: 4 as const }];
    const nonPublic = (address: string) => (address === '127.0.0.2' ? null : nonPublicReason(address));
    for (let i = 0; i < 2; i++) {
      lookups = 0;
      const answer = await safeRequest(`http://rebind.example:${outside.port}/cb`, { method: 'POST', body: '{}', timeoutMs: 2000, policy: strict, resolve: rebinding, nonPublic });
      expect(answer).toMatchObject({ status: 200, address: '127.0.0.2' });
    }
    expect(outside.hits).toEqual(['/cb', '/cb']);
    expect(inside.hits).toEqual([]);
    expect(lookups).toBe(1);
  });

  it('does not follow a redirect', async () => {
    const target = await serve('127.0.0.1');
    const redirecting = await serve('127.0.0.1', 0, () => ({ status: 302, headers: { location: `http://127.0.0.1:${target.port}/emulator/api/reset` } }));
    const answer = await safeRequest(`http://127.0.0.1:${redirecting.port}/cb`, { method: 'POST', body: '{}', timeoutMs: 2000, policy: { ...strict, allowPrivate: true } });
    expect(answer.status).toBe(302);
    expect(redirecting.hits).toEqual(['/cb']);
    expect(target.hits).toEqual([]);
  });

  it('reaches a loopback receiver only with the test-only allowance', async () => {
    const receiver = await serve('127.0.0.1');
    await expect(safeRequest(`http://127.0.0.1:${receiver.port}/cb`, { method: 'POST', body: '{}', timeoutMs: 2000, policy: strict })).rejects.toMatchObject({ kind: 'refused' });
    const answer = await safeRequest(`http://localhost:${receiver.port}/cb`, { method: 'POST', body: '{}', timeoutMs: 2000, policy: { ...strict, allowPrivate: true } });
    expect(answer.status).toBe(200);
    expect(receiver.hits).toEqual(['/cb']);
  });

  it('says only "failed" for a closed port, with the detail kept for the log', async () => {
    const closed = await serve('127.0.0.1');
    await new Promise((r) => servers.pop()!.close(r));
    const error = await safeRequest(`http://127.0.0.1:${closed.port}/`, { method: 'GET', timeoutMs: 2000, policy: { ...strict, allowPrivate: true } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'failed', detail: 'ECONNREFUSED' });
  });
});
