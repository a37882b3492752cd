// The emulated contact center limits chat creation per client address like the bridge does (an
// in-memory bucket): the chats beyond it get 429 statusCode 7 with Retry-After; the setting is
// checked at start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv } from '../../../demo/contact-center/config';
import { CC_ID, http, startEmulator, type RunningEmulator } from '../../support/emulator';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ chatsPerAddress: '3/h' });
});
afterAll(() => emu?.close());

describe('emulator chat creation', () => {
  it('refuses the chats one address starts beyond its bucket with 429, Retry-After and statusCode 7', async () => {
    const start = () => http(`${emu.url}/api/v2/chats`, { method: 'POST', headers: { ContactCenterId: CC_ID }, json: { operationName: 'RequestChat', nickname: 'Flood' } });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await start());
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429]);
    expect(answers[3]!.body).toEqual({ statusCode: 7, statusMessage: expect.stringMatching(/Too many chats/) });
    expect(Number(answers[3]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('reads EMULATOR_CHATS_PER_ADDRESS, generous by default, and refuses a malformed one', () => {
    expect(configFromEnv({}).chatsPerAddress).toBe('300/min');
    expect(configFromEnv({ EMULATOR_CHATS_PER_ADDRESS: 'off' }).chatsPerAddress).toBe('off');
    expect(() => configFromEnv({ EMULATOR_CHATS_PER_ADDRESS: 'many' })).toThrow(ConfigError);
  });
});
