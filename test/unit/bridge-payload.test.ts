// What the agent receives: customer info, properties within the gateway's 30, history within its 200.
import { describe, expect, it } from 'vitest';
import { testConfig } from '../support/bridge-config';
import { fullActivity } from '../../bot-bridge/jobs';
import {
  OMITTED_KEY,
  REFERENCE_KEY,
  additionalProperties,
  capHistory,
  conversationRequest,
  countUserTexts,
  flattenContext,
  historyFromEntries,
  languageCode,
  textHash,
  userFromChat,
} from '../../bot-bridge/sessions/payload';
import { newHandover } from '../../bot-bridge/sessions/create';
import { activity } from '../../bot-bridge/sessions/outputs';
import type { Session } from '../../bot-bridge/sessions/types';
import { sessionFixture } from '../support/sessions';
import type { Entry } from '../../bot-bridge/store';

const session = (userData: Session['userData'] = {}, subject: string | null = null): Session =>
  sessionFixture({ id: 's1', state: 'handover', subject, userData, user: userFromChat('Chris', userData), handoverCount: 1 });

describe('userFromChat', () => {
  it('takes the nickname as name and finds customer info in userData whatever its spelling', () => {
    expect(userFromChat('Chris', { 'E-mail': 'c@example.com', 'Phone number': '+3312', Company: 'ACME', Language: 'fr-FR', 'Case ID': 'K-9', Premium: true })).toEqual({
      name: 'Chris',
      email: 'c@example.com',
      phone: '+3312',
      company: 'ACME',
      language: 'fr',
      caseId: 'K-9',
    });
  });

  it('leaves out a language the gateway does not know', () => {
    expect(userFromChat('Chris', { language: 'Klingon' })).toEqual({ name: 'Chris' });
  });

  // What the widget sends (src/core/customer.ts userData()): the page's customer info, its chat
  // variables (CRM ones with a `$`), `$language` always, then the pre-chat answers by field label.
  const widgetUserData = {
    Plan: 'Gold',
    _orderId: '98765',
    $emailAddress: 'robin@example.com',
    $caseNumber: 'K-9',
    $accountNumber: 'A-17',
    $language: 'de',
    Name: 'Robin',
  };

  it("reads the widget's CRM variables: $language, $emailAddress, $caseNumber", () => {
    expect(userFromChat('Robin', widgetUserData)).toEqual({ name: 'Robin', email: 'robin@example.com', caseId: 'K-9', language: 'de' });
    // The pre-chat name is the nickname too; without one, the Name answer still names the customer.
    expect(userFromChat('', widgetUserData).name).toBe('Robin');
  });

  it("gives the bot the widget's chat language as its locale", () => {
    const s = sessionFixture({ userData: widgetUserData, user: userFromChat('Robin', widgetUserData) });
    expect(fullActivity(s, activity.hello('a1', 0), { config: testConfig(), publicUrl: () => 'http://bridge' }).locale).toBe('de');
  });
});

describe('languageCode', () => {
  it.each([
    ['en', 'en'],
    ['EN-us', 'en'],
    ['zh-cn', 'zh-CN'],
    ['zh_TW', 'zh-TW'],
    ['zh', undefined],
    ['xx', undefined],
  ])('%s → %s', (raw, code) => expect(languageCode(raw)).toBe(code));
});

describe('flattenContext', () => {
  it('turns an object into strings and a plain value into one property', () => {
    expect(flattenContext({ Reason: 'asked', attempts: 2, vip: true, nested: { a: 1 }, none: null })).toEqual({ Reason: 'asked', attempts: '2', vip: 'true', nested: '{"a":1}' });
    expect(flattenContext('billing question')).toEqual({ 'Bot context': 'billing question' });
    expect(flattenContext(undefined)).toEqual({});
  });
});

describe('additionalProperties', () => {
  it('puts the reference first, then the bot context, the subject and the chat userData (Started by included)', () => {
    const s = session({ 'Started by': 'Chat API', Premium: true, 'Cart value': 129.5 }, 'Late parcel');
    const h = newHandover(1, 'ref-1', 'support', { Reason: 'asked for an agent' }, null, 0);
    expect(additionalProperties(s, h, 'ref-1')).toEqual([
      { key: REFERENCE_KEY, value: 'ref-1' },
      { key: 'Reason', value: 'asked for an agent' },
      { key: 'Subject', value: 'Late parcel' },
      { key: 'Started by', value: 'Chat API' },
      { key: 'Premium', value: 'true' },
      { key: 'Cart value', value: '129.5' },
    ]);
  });

  it('keeps at most 30: the end of userData goes first, and the 30th says what was left out', () => {
    const userData = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`var${i}`, `v${i}`]));
    const h = newHandover(1, 'r', 'support', { Reason: 'x', Intent: 'y' }, null, 0);
    const props = additionalProperties(session(userData), h, 'r');
    expect(props).toHaveLength(30);
    expect(props.slice(0, 3).map((p) => p.key)).toEqual([REFERENCE_KEY, 'Reason', 'Intent']);
    expect(props[28]).toEqual({ key: 'var25', value: 'v25' });
    expect(props[29]!.key).toBe(OMITTED_KEY);
    expect(props[29]!.value).toMatch(/^14 more properties \(limit 30\): var26, var27, .*var39$/);
  });

  it('does not repeat a key and clips long values', () => {
    const h = newHandover(1, 'r', 'support', { Subject: 'from the bot' }, null, 0);
    const props = additionalProperties(session({ note: 'x'.repeat(5000) }, 'from the chat'), h, 'r');
    expect(props.filter((p) => p.key === 'Subject')).toEqual([{ key: 'Subject', value: 'from the bot' }]);
    expect(props.find((p) => p.key === 'note')!.value).toHaveLength(4000);
  });
});

describe('history', () => {
  const entry = (index: number, type: Entry['type'], fromType: Entry['from']['type'], participantId: string, text?: string, quickReplies?: Entry['quickReplies']): Entry => ({
    index,
    type,
    from: { nickname: 'x', participantId, type: fromType },
    utcTime: index,
    ...(text ? { text } : {}),
    ...(quickReplies ? { quickReplies } : {}),
  });

  it('takes customer and bot texts from the transcript, in order, with the options the bot offered', () => {
    const entries = [
      entry(1, 'ParticipantJoined', 'Customer', '1'),
      entry(2, 'Text', 'External', 'bot', 'Hi!', [
        { title: 'Opening hours', payload: 'hours' },
        { title: 'Returns', payload: 'returns' },
      ]),
      entry(3, 'Text', 'Customer', '1', 'hours'),
      entry(4, 'Notice', 'External', '0', 'system line'),
      entry(5, 'Text', 'External', 'bot', 'We open at 8.'),
    ];
    expect(historyFromEntries(entries)).toEqual([
      { authorType: 'bot', text: 'Hi!\n(options: Opening hours | Returns)' },
      { authorType: 'user', text: 'hours' },
      { authorType: 'bot', text: 'We open at 8.' },
    ]);
  });

  it('keeps at most 200 messages: the newest, after a note saying how many older ones are not shown', () => {
    const many = Array.from({ length: 250 }, (_, i) => ({ authorType: (i % 2 ? 'bot' : 'user') as 'user' | 'bot', text: `m${i}` }));
    const capped = capHistory(many);
    expect(capped).toHaveLength(200);
    expect(capped[0]).toEqual({ authorType: 'bot', text: '[51 earlier messages of the bot conversation are not shown]' });
    expect(capped[1]!.text).toBe('m51');
    expect(capped[199]!.text).toBe('m249');
    expect(capHistory(many.slice(0, 200))).toHaveLength(200);
    expect(capHistory([{ authorType: 'user', text: '  ' }])).toEqual([]);
  });

  it('counts the user texts it sends (reconciling sends needs them)', () => {
    expect(
      countUserTexts([
        { authorType: 'user', text: 'ok' },
        { authorType: 'bot', text: 'ok' },
        { authorType: 'user', text: 'ok' },
      ]),
    ).toEqual({ [textHash('ok')]: 2 });
  });
});

describe('conversationRequest', () => {
  it('puts customer, properties, queue and history where the gateway wants them', () => {
    const s = session({ email: 'c@example.com' });
    const h = newHandover(1, 'ref', 'billing', {}, null, 0);
    expect(conversationRequest(s, h, 'ch-1', [{ authorType: 'user', text: 'hi' }], 'ref')).toEqual({
      channelId: 'ch-1',
      user: {
        name: 'Chris',
        email: 'c@example.com',
        additionalProperties: [
          { key: REFERENCE_KEY, value: 'ref' },
          { key: 'email', value: 'c@example.com' },
        ],
      },
      assignment: { type: 'queue', id: 'billing' },
      history: { messages: [{ authorType: 'user', text: 'hi' }] },
    });
    expect(conversationRequest(s, h, 'ch-1', [], 'ref')).not.toHaveProperty('history');
  });
});
