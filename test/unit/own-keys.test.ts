// Keys someone else chose (userData keys, form field ids, agent ids, notice events, texts) are
// looked up and stored as own properties only: `constructor`, `toString` or `__proto__` must mean
// what they say, not what Object.prototype has under that name. In the bridge, the emulator and the
// widget.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv, fill } from '../../bot-bridge/config';
import { ChatApiError, parseOfflineMessage, userData } from '../../bot-bridge/customer-chat-api';
import { userFromChat } from '../../bot-bridge/sessions/payload';
import { buildEmulator } from '../../demo/contact-center/app';
import { applyEntries, checkForm, formUserData, initialState, type SharedState } from '../../src/core';
import { createTranslator } from '../../src/i18n';
import { CC_ID, API_KEY } from '../support/emulator';
import { testTempDir } from '../support/temp';
import { chat, gw, joinedEv, run, says } from './bridge-machine-rows';

/** What a client sends, parsed as the servers parse it: `__proto__` is then an own key. */
const hostile = () => JSON.parse('{"constructor":"Acme Ltd","toString":"t","__proto__":"p","hasOwnProperty":"h"}') as Record<string, string>;

describe('the bridge', () => {
  it('makes a gateway user of known userData fields only, whatever the other keys are called', () => {
    const user = userFromChat('Chris', { ...hostile(), 'E-mail': 'chris@example.com' });
    expect(user).toEqual({ name: 'Chris', email: 'chris@example.com' });
    expect(Object.keys(user)).toEqual(['name', 'email']);
  });

  it('keeps every userData key as data, __proto__ included, and never changes a prototype', () => {
    const kept = userData(hostile());
    expect(Object.getPrototypeOf(kept)).toBe(Object.prototype);
    expect(Object.keys(kept).sort()).toEqual(['__proto__', 'constructor', 'hasOwnProperty', 'toString']);
    expect(JSON.parse(JSON.stringify(kept))).toEqual(hostile());
  });

  it('checks an offline form whose field is called constructor: required means required', () => {
    const form = [{ id: 'constructor', label: 'Company', type: 'text' as const, required: true }];
    expect(() => parseOfflineMessage({ fields: {} }, form)).toThrow(ChatApiError);
    expect(parseOfflineMessage({ fields: { constructor: 'Acme' } }, form).fields).toEqual({ constructor: 'Acme' });
  });

  it('takes an agent called constructor as any other agent', () => {
    const { session, entries } = run(chat('queued'), [gw(joinedEv('constructor'), { agentName: 'Connie' }), gw(says('constructor', 'Hello'))]);
    expect(session.state).toBe('agent');
    expect(session.handover?.agent).toMatchObject({ id: 'constructor', name: 'Connie' });
    expect(Object.hasOwn(session.agents, 'constructor')).toBe(true);
    expect(entries.map((e) => `${e.type} ${e.from.nickname}`)).toContain('Text Connie');
  });

  it('fills only the placeholders it is given, and takes only known keys in BRIDGE_TEXTS', () => {
    expect(fill('{constructor} {toString} {agent}', { agent: 'Kristi' })).toBe('{constructor} {toString} Kristi');
    const file = join(testTempDir('parley-texts-'), 'texts.json');
    writeFileSync(file, JSON.stringify({ constructor: 'x' }));
    expect(() => configFromEnv({ BRIDGE_TEXTS: file })).toThrow(ConfigError);
    expect(() => configFromEnv({ BRIDGE_TEXTS: file })).toThrow(/unknown keys constructor/);
  });
});

describe('the emulator', () => {
  it('shows the agent every userData key and additional property as given', async () => {
    const emu = await buildEmulator({ contactCenterIds: [CC_ID] });
    try {
      const chat = await emu.app.inject({
        method: 'POST',
        url: '/api/v2/chats',
        headers: { ContactCenterId: CC_ID },
        // (A body with a "__proto__" key is refused by the servers' JSON parser already.)
        payload: { operationName: 'RequestChat', nickname: 'Chris', userData: { constructor: 'Acme Ltd', toString: 't' } },
      });
      expect(chat.json()).toMatchObject({ statusCode: 0 });
      const gw = (url: string, payload: unknown) =>
        emu.app.inject({ method: 'POST', url: `/chat-gateway/v1${url}`, headers: { 'x-api-key': API_KEY }, payload: payload as object });
      const webhook = (await gw('/webhooks', { name: 'b', uri: 'http://127.0.0.1:9/hook', version: 'Chat Gateway v1.0' })).json();
      const channel = (await gw('/channels', { name: 'bot', type: 'ChatAPI', webHookId: webhook.id, routingOptions: { type: 'queue', id: 'support' } })).json();
      const props = [
        { key: '__proto__', value: 'p' },
        { key: 'constructor', value: 'c' },
      ];
      expect((await gw('/conversations', { channelId: channel.id, user: { name: 'Bo', additionalProperties: props } })).statusCode).toBe(202);

      const list = (await emu.app.inject({ url: '/agent/api/interactions' })).json().interactions as { customer: { name: string }; userData: Record<string, string> }[];
      const web = list.find((i) => i.customer.name === 'Chris')!;
      const bot = list.find((i) => i.customer.name === 'Bo')!;
      expect(web.userData).toEqual({ constructor: 'Acme Ltd', toString: 't' });
      expect(Object.keys(bot.userData).sort()).toEqual(['__proto__', 'constructor']);
    } finally {
      await emu.app.close();
    }
  });
});

describe('the widget', () => {
  const field = { id: 'constructor', label: 'Company', type: 'text' as const, required: true };

  it('checks and sends a form field called constructor like any other', () => {
    expect(checkForm([field], {})).toEqual({ constructor: 'errorRequiredMessage' });
    expect(checkForm([field], { constructor: 'Acme' })).toEqual({});
    expect(formUserData([{ ...field, label: '' }], {})).toEqual({});
  });

  it('translates only its own keys', () => {
    const { t } = createTranslator('en', {});
    for (const key of ['constructor', 'toString', '__proto__']) expect(t(key)).toBe(key);
  });

  it('shows a notice whose event it does not know as text, whatever the event is called', () => {
    const state: SharedState = {
      ...initialState(),
      phase: 'chatWindow',
      chat: {
        id: 'c',
        requestId: 'r',
        status: 'chatting',
        lastIndex: 2,
        agent: null,
        agentsSeen: 0,
        queuePosition: null,
        startedAt: 0,
        startedBy: 'user',
        ending: null,
        endReason: null,
      },
    };
    for (const event of ['constructor', 'toString', '__proto__']) {
      const after = applyEntries(state, [
        { index: 3, type: 'Notice', from: { nickname: '', participantId: '0', type: 'System' }, utcTime: 1, text: 'Recording on', notice: { event } },
      ]);
      expect(after.state.transcript.at(-1)).toMatchObject({ kind: 'system', key: 'notice', text: 'Recording on' });
    }
  });
});
