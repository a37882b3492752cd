// The limits' arithmetic and bookkeeping without a network: the token bucket step, the rate syntax,
// the in-process store on a hand-driven clock, whose address a request counts as, and the
// limiter's order (the address is charged before the contact center, a refusal charges nothing).
import { describe, expect, it } from 'vitest';
import { clientKey, Limiter, memoryLimitStore, parseRate, take, type LimitRules } from '../../bot-bridge/limits';
import { configFromEnv } from '../../bot-bridge/config';
import { LIMITS_OFF } from '../support/bridge-config';

describe('rates', () => {
  it('reads N/s, N/min, N/h and off, and refuses anything else', () => {
    expect(parseRate('30/min')).toMatchObject({ burst: 30, perMs: 30 / 60_000 });
    expect(parseRate('5/s')).toMatchObject({ burst: 5, perMs: 5 / 1000 });
    expect(parseRate('off')).toBeNull();
    for (const bad of ['30', '0/min', '-1/s', '30/day', 'lots']) expect(() => parseRate(bad)).toThrow(/like 30\/min/);
  });

  it('gives a full bucket its burst, then one token per interval, and says when the next comes', () => {
    const rate = parseRate('3/min')!;
    let state;
    const verdicts = [];
    for (let i = 0; i < 4; i++) {
      const step = take(state, rate, 1_000_000);
      state = step.state;
      verdicts.push(step.verdict);
    }
    expect(verdicts.slice(0, 3).every((v) => v.ok)).toBe(true);
    expect(verdicts[3]).toEqual({ ok: false, retryAfterMs: 20_000 });
    // A refusal costs nothing: 20 s later there is exactly one token.
    expect(take(state, rate, 1_020_000).verdict).toEqual({ ok: true, left: 0 });
    expect(take(take(state, rate, 1_020_000).state, rate, 1_020_000).verdict).toEqual({ ok: false, retryAfterMs: 20_000 });
  });
});

describe('the in-process store', () => {
  it('forgets buckets once full again, and set members once expired', async () => {
    let now = 0;
    const store = memoryLimitStore(() => now);
    const rate = parseRate('2/s')!;
    expect(await store.take('k', rate)).toEqual({ ok: true, left: 1 });
    expect(await store.take('k', rate)).toEqual({ ok: true, left: 0 });
    expect(await store.take('k', rate)).toEqual({ ok: false, retryAfterMs: 500 });
    now = 500;
    expect(await store.take('k', rate)).toEqual({ ok: true, left: 0 });
    await store.add('set', 'a', 1000);
    now = 1500;
    await store.add('set', 'b', 1000);
    expect(await store.members('set')).toEqual(['b']);
    await store.remove('set', ['b']);
    expect(await store.members('set')).toEqual([]);
  });
});

describe('client addresses', () => {
  it('counts IPv4 as itself, mapped IPv4 as IPv4, and IPv6 by its /64', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:3::1')).not.toBe(clientKey('2001:db8:1:2::1'));
    expect(clientKey(undefined)).toBe('unknown');
  });
});

const rules = (over: Partial<LimitRules>): LimitRules => ({
  ...LIMITS_OFF,
  contactCenterReservedShare: 0,
  ...over,
});

describe('the limiter', () => {
  const limiter = (over: Partial<LimitRules>, open = new Set<string>()) =>
    new Limiter({ store: memoryLimitStore(() => 0), rules: rules(over), isOpen: async (id) => open.has(id), openTtlMs: 60_000, onError: () => undefined });

  it('charges the address first: one address cannot empty the contact center’s budget', async () => {
    const l = limiter({ chatsPerAddress: parseRate('2/h'), chatsPerContactCenter: parseRate('4/h') });
    const from = async (address: string, n: number) => {
      const out = [];
      for (let i = 0; i < n; i++) out.push((await l.chat(address, 'cc'))?.limit ?? 'ok');
      return out;
    };
    expect(await from('198.51.100.1', 10)).toEqual(['ok', 'ok', ...Array(8).fill('chats-per-address')]);
    expect(await from('198.51.100.2', 3)).toEqual(['ok', 'ok', 'chats-per-address']);
    expect(await from('198.51.100.3', 1)).toEqual(['chats-per-contact-center']);
  });

  it('keeps a share of the contact center’s bucket for quiet addresses: a crowd that keeps it empty cannot keep a new address out', async () => {
    const run = async (share: number) => {
      let now = 0;
      const l = new Limiter({
        store: memoryLimitStore(() => now),
        rules: rules({ chatsPerAddress: parseRate('4/h'), chatsPerContactCenter: parseRate('10/h'), contactCenterReservedShare: share }),
        isOpen: async () => true,
        openTtlMs: 60_000,
        onError: () => undefined,
      });
      const crowd = Array.from({ length: 6 }, (_, i) => `10.66.0.${i}`);
      // The crowd asks as fast as it can: the whole bucket, reserve and all, is gone at once.
      for (const address of crowd) for (let i = 0; i < 4; i++) await l.chat(address, 'cc');
      expect(await l.chat('10.66.0.99', 'cc')).not.toBeNull();
      // 20 minutes on, the crowd asks again (each address once, its own bucket nearly empty), then a customer.
      now = 20 * 60_000;
      const crowdAgain = [];
      for (const address of crowd) crowdAgain.push((await l.chat(address, 'cc'))?.limit ?? 'ok');
      return { crowd: crowdAgain, customer: (await l.chat('192.0.2.1', 'cc'))?.limit ?? 'ok' };
    };
    expect(await run(0.5)).toEqual({ crowd: ['ok', ...Array(5).fill('chats-per-contact-center')], customer: 'ok' });
    // Without the reserve the crowd takes what came back, and the customer is refused.
    expect(await run(0)).toEqual({ crowd: ['ok', 'ok', 'ok', ...Array(3).fill('chats-per-contact-center')], customer: 'chats-per-contact-center' });
  });

  it('caps open chats per address, and frees a place when a chat has ended', async () => {
    const open = new Set(['c1', 'c2']);
    const l = limiter({ openChatsPerAddress: 2 }, open);
    for (const id of ['c1', 'c2']) {
      expect(await l.chat('a', 'cc')).toBeNull();
      await l.opened('a', id);
    }
    expect(await l.chat('a', 'cc')).toEqual({ limit: 'open-chats-per-address', retryAfterMs: 30_000 });
    expect(await l.chat('b', 'cc')).toBeNull();
    open.delete('c1');
    expect(await l.chat('a', 'cc')).toBeNull();
  });

  it('limits messages per chat before the address, and lets requests through when the store fails', async () => {
    const l = limiter({ messagesPerChat: parseRate('1/h'), messagesPerAddress: parseRate('2/h') });
    expect(await l.message('a', 'cc', 'chat-1')).toBeNull();
    expect((await l.message('a', 'cc', 'chat-1'))?.limit).toBe('messages-per-chat');
    expect(await l.message('a', 'cc', 'chat-2')).toBeNull();
    expect((await l.message('a', 'cc', 'chat-3'))?.limit).toBe('messages-per-address');
    const errors: unknown[] = [];
    const broken = new Limiter({
      store: { ...memoryLimitStore(), take: async () => Promise.reject(new Error('down')) },
      rules: rules({ typingPerAddress: parseRate('1/h') }),
      isOpen: async () => true,
      openTtlMs: 1,
      onError: (e) => errors.push(e),
    });
    expect(await broken.typing('a', 'cc')).toBeNull();
    expect(errors).toHaveLength(1);
  });
});

describe('limit settings', () => {
  it('has generous defaults, reads each LIMIT_* and TRUST_PROXY, and reports every mistake', () => {
    const c = configFromEnv({});
    expect(c.trustProxy).toBe(false);
    expect(c.limits.chatsPerAddress?.text).toBe('10/min');
    expect(c.limits.openChatsPerAddress).toBe(10);
    expect(c.limits.contactCenterReservedShare).toBe(0.2);
    const set = configFromEnv({ TRUST_PROXY: 'loopback, 10.0.0.0/8', LIMIT_MESSAGES_PER_CHAT: 'off', LIMIT_OPEN_CHATS_PER_ADDRESS: '0', USERDATA_MAX_BYTES: '4096' });
    expect(set.trustProxy).toEqual(['loopback', '10.0.0.0/8']);
    expect(set.limits.messagesPerChat).toBeNull();
    expect(set.limits.openChatsPerAddress).toBeNull();
    expect(set.limits.userDataMaxBytes).toBe(4096);
    expect(() => configFromEnv({ TRUST_PROXY: '2', LIMIT_CHATS_PER_ADDRESS: '30', USERDATA_MAX_BYTES: '10' })).toThrow(
      /TRUST_PROXY must list the proxies[\s\S]*LIMIT_CHATS_PER_ADDRESS must be like 30\/min[\s\S]*USERDATA_MAX_BYTES/,
    );
  });
});
