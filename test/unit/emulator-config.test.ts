// The emulator's EMULATOR_PUBLIC_URL: an http(s) origin, or a clear error at start.
import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv } from '../../demo/contact-center/config';

describe('EMULATOR_PUBLIC_URL', () => {
  it('is null when unset (links use the address the emulator is bound to)', () => {
    expect(configFromEnv({}).publicUrl).toBeNull();
  });

  it.each([
    ['http://chat.example:8080', 'http://chat.example:8080'],
    ['https://chat.example/', 'https://chat.example'],
  ])('takes the origin %s', (raw, origin) => {
    expect(configFromEnv({ EMULATOR_PUBLIC_URL: raw }).publicUrl).toBe(origin);
  });

  it.each(['chat.example', 'ftp://chat.example', 'https://chat.example/base', 'https://chat.example/?a=1', 'javascript:alert(1)'])('refuses %s', (raw) => {
    expect(() => configFromEnv({ EMULATOR_PUBLIC_URL: raw })).toThrow(ConfigError);
  });
});
