// RETENTION_DAYS (and the older RETENTION_H), METRICS_TOKEN / METRICS_PORT, and where /metrics is
// served for each combination of those and BRIDGE_HOST.
import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv } from '../../bot-bridge/config';
import { isLoopback, metricsAccess } from '../../bot-bridge/fronts';

describe('retention config', () => {
  it('keeps a week by default, and RETENTION_DAYS days when set', () => {
    expect(configFromEnv({}).retentionH).toBe(7 * 24);
    expect(configFromEnv({ RETENTION_DAYS: '30' }).retentionH).toBe(30 * 24);
    expect(configFromEnv({}).notices).toEqual([]);
  });

  it('still honours RETENTION_H, with a notice to move to RETENTION_DAYS', () => {
    const c = configFromEnv({ RETENTION_H: '48' });
    expect(c.retentionH).toBe(48);
    expect(c.notices).toEqual([expect.stringContaining('RETENTION_H is deprecated: use RETENTION_DAYS')]);
  });

  it('refuses both at once, and days out of range', () => {
    expect(() => configFromEnv({ RETENTION_DAYS: '7', RETENTION_H: '168' })).toThrow(/set RETENTION_DAYS only/);
    for (const bad of ['0', '1.5', 'week', '3651']) expect(() => configFromEnv({ RETENTION_DAYS: bad })).toThrow(ConfigError);
  });
});

describe('metrics access', () => {
  it('reads METRICS_TOKEN, METRICS_PORT and METRICS_HOST, and refuses a short token', () => {
    expect(configFromEnv({}).metrics).toEqual({ token: null, port: null, host: '127.0.0.1' });
    expect(configFromEnv({ METRICS_TOKEN: 'a-long-enough-metrics-token', METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' }).metrics).toEqual({
      token: 'a-long-enough-metrics-token',
      port: 9464,
      host: '0.0.0.0',
    });
    expect(() => configFromEnv({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must have at least 16 characters/);
    expect(() => configFromEnv({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
  });

  it('serves /metrics openly on the public port only when the bridge listens on loopback', () => {
    const access = (env: Record<string, string>) => metricsAccess(configFromEnv(env));
    expect(access({})).toEqual({ where: 'public', token: null });
    expect(access({ BRIDGE_HOST: 'localhost' })).toEqual({ where: 'public', token: null });
    expect(access({ BRIDGE_HOST: '::1' })).toEqual({ where: 'public', token: null });
    // "Production": reachable from other machines.
    expect(access({ BRIDGE_HOST: '0.0.0.0' })).toEqual({ where: 'off', token: null });
    expect(access({ BRIDGE_HOST: '10.1.2.3' })).toEqual({ where: 'off', token: null });
    expect(access({ BRIDGE_HOST: '0.0.0.0', METRICS_TOKEN: 'a-long-enough-metrics-token' })).toEqual({ where: 'public', token: 'a-long-enough-metrics-token' });
    expect(access({ BRIDGE_HOST: '0.0.0.0', METRICS_PORT: '0' })).toEqual({ where: 'admin', token: null });
    expect(access({ METRICS_PORT: '9464', METRICS_TOKEN: 'a-long-enough-metrics-token' })).toEqual({ where: 'admin', token: 'a-long-enough-metrics-token' });
  });

  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.10.0.1', 'localhost', 'LOCALHOST', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopback(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'bridge.internal', '127.0.0.1.nip.io', '128.0.0.1']) expect(isLoopback(host), host).toBe(false);
  });
});
