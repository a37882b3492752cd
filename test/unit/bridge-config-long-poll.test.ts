// LONG_POLL_MAX_WAIT_S and LONG_POLL_MAX_PER_ADDRESS: defaults, limits, and a wait that must end
// well before the idle timeout (a held request counts as the customer being there when it starts).
import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv } from '../../bot-bridge/config';

describe('long-poll configuration', () => {
  it('defaults to a 25 s wait and 100 held requests per address', () => {
    expect(configFromEnv({}).longPoll).toEqual({ maxWaitS: 25, maxPerAddress: 100 });
    expect(configFromEnv({ LONG_POLL_MAX_WAIT_S: '0', LONG_POLL_MAX_PER_ADDRESS: '0' }).longPoll).toEqual({ maxWaitS: 0, maxPerAddress: 0 });
    // A short idle timeout lowers the default wait with it.
    expect(configFromEnv({ CHAT_IDLE_TIMEOUT_S: '20' }).longPoll.maxWaitS).toBe(10);
  });

  it.each([
    [{ LONG_POLL_MAX_WAIT_S: 'soon' }, /LONG_POLL_MAX_WAIT_S must be an integer/],
    [{ LONG_POLL_MAX_WAIT_S: '-1' }, /LONG_POLL_MAX_WAIT_S must be an integer/],
    [{ LONG_POLL_MAX_WAIT_S: '301' }, /LONG_POLL_MAX_WAIT_S must be an integer/],
    [{ LONG_POLL_MAX_WAIT_S: '61' }, /at most half of CHAT_IDLE_TIMEOUT_S/],
    [{ LONG_POLL_MAX_PER_ADDRESS: 'many' }, /LONG_POLL_MAX_PER_ADDRESS/],
  ])('refuses %j', (env, message) => {
    expect(() => configFromEnv(env)).toThrow(ConfigError);
    expect(() => configFromEnv(env)).toThrow(message);
  });
});
