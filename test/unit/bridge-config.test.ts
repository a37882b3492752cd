// The bridge's configuration: defaults that run against the emulator and the demo bot, and clear
// errors (all of them at once) for what is wrong.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_TEXTS, configFromEnv } from '../../bot-bridge/config';
import { testTempDir } from '../support/temp';

describe('bridge config', () => {
  it('defaults to the emulator, the demo bot and a SQLite file, with no env at all', () => {
    const c = configFromEnv({});
    expect(c).toMatchObject({
      port: 4020,
      host: '127.0.0.1',
      store: 'sqlite:.data/bridge.db',
      contactCenterIds: ['3f6c1d2e-8b7a-4c59-9e21-5d4b3a2f1e0c'],
      allowedOrigins: ['*'],
      apiKey: null,
      afterAgent: 'bot',
      chatIdleTimeoutS: 120,
      gateway: { url: 'http://127.0.0.1:4010', apiKey: 'emulator-key', channelId: null, rps: 5, jwkUrl: null },
      bot: { endpoint: 'http://127.0.0.1:3978/api/messages' },
      availability: { enabled: true, rtsUrl: null, tenant: 'demo', token: 'demo-token', scheduleId: '1' },
    });
  });

  it('reads what a deployment sets', () => {
    const c = configFromEnv({
      BRIDGE_PORT: '0',
      BRIDGE_STORE: 'redis://10.0.0.5:6379',
      GATEWAY_URL: 'https://api.8x8.com/',
      GATEWAY_CHANNEL_ID: 'ch-1',
      GATEWAY_RPS: '20',
      ALLOWED_ORIGINS: 'https://shop.example.com,http://localhost:5173',
      BRIDGE_API_KEY: 'a-long-enough-secret-key',
      AFTER_AGENT: 'end',
      SCHEDULE_ID: 'none',
      CONTACT_CENTER_ID: 'a,b',
    });
    expect(c).toMatchObject({
      port: 0,
      store: 'redis://10.0.0.5:6379',
      gateway: { url: 'https://api.8x8.com', channelId: 'ch-1', rps: 20 },
      allowedOrigins: ['https://shop.example.com', 'http://localhost:5173'],
      apiKey: 'a-long-enough-secret-key',
      callbackSecret: null,
      afterAgent: 'end',
      availability: { scheduleId: null },
      contactCenterIds: ['a', 'b'],
    });
  });

  it('lists every problem in one error', () => {
    let error: unknown;
    try {
      configFromEnv({
        BRIDGE_PORT: '70000',
        BRIDGE_STORE: 'mysql://x',
        GATEWAY_URL: 'ftp://x',
        AFTER_AGENT: 'later',
        ALLOWED_ORIGINS: 'https://a.example/path',
        BRIDGE_API_KEY: 'short',
        GATEWAY_RPS: '0',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['BRIDGE_PORT', 'BRIDGE_STORE', 'GATEWAY_URL', 'AFTER_AGENT', 'ALLOWED_ORIGINS', 'BRIDGE_API_KEY', 'GATEWAY_RPS']) expect(message).toContain(name);
  });

  it('takes texts and a chat script from files, and refuses unknown text keys', () => {
    const dir = testTempDir('bridge-config-');
    writeFileSync(join(dir, 'texts.json'), JSON.stringify({ queued: 'Bitte warten ({queue}).' }));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ nope: 'x' }));
    writeFileSync(join(dir, 'script.json'), JSON.stringify({ chatWindow: { enabled: true, endpoint: 'billing' } }));
    const c = configFromEnv({ BRIDGE_TEXTS: join(dir, 'texts.json'), BRIDGE_CHAT_SCRIPT: join(dir, 'script.json') });
    expect(c.texts).toEqual({ ...DEFAULT_TEXTS, queued: 'Bitte warten ({queue}).' });
    expect(c.chatScript).toEqual({ chatWindow: { enabled: true, endpoint: 'billing' } });
    expect(() => configFromEnv({ BRIDGE_TEXTS: join(dir, 'bad.json') })).toThrow(/unknown keys nope/);
    expect(() => configFromEnv({ BRIDGE_TEXTS: join(dir, 'missing.json') })).toThrow(/cannot read JSON/);
  });
});

describe('bridge config: webhook and callback security', () => {
  it('is safe with no env: https callbacks to public addresses only, a 60 s webhook window, no identity configured', () => {
    const c = configFromEnv({});
    expect(c.callback).toEqual({ allowHttp: false, allowPrivate: false, hosts: [] });
    expect(c.webhook.maxAgeS).toBe(60);
    expect(c.gateway).toMatchObject({ expectedTenantId: null, expectedCustomerId: null });
  });

  it('reads the callback settings and the identity', () => {
    const c = configFromEnv({
      CALLBACK_ALLOW_HTTP: '1',
      CALLBACK_HOSTS: 'bot.example.com, *.Bots.example.net',
      GATEWAY_TENANT_ID: 't-1',
      GATEWAY_CUSTOMER_ID: 'c-1',
    });
    expect(c.callback).toEqual({ allowHttp: true, allowPrivate: false, hosts: ['bot.example.com', '*.bots.example.net'] });
    expect(c.gateway).toMatchObject({ expectedTenantId: 't-1', expectedCustomerId: 'c-1' });
  });

  it('refuses the test-only allowance in production, and bad values', () => {
    expect(configFromEnv({ CALLBACK_ALLOW_PRIVATE: 'yes' }).callback.allowPrivate).toBe(true);
    expect(() => configFromEnv({ CALLBACK_ALLOW_PRIVATE: 'yes', NODE_ENV: 'production' })).toThrow(/CALLBACK_ALLOW_PRIVATE is for tests only/);
    expect(() => configFromEnv({ CALLBACK_ALLOW_HTTP: 'maybe' })).toThrow(/CALLBACK_ALLOW_HTTP must be/);
    expect(() => configFromEnv({ CALLBACK_HOSTS: 'bot.example.com,bad host!' })).toThrow(/CALLBACK_HOSTS: "bad host!"/);
  });
});
