// The Customer Chat API's request checks, as a table: what a client sends → what the servers make
// of it, or the statusCode 1 message that says what to fix.
import { describe, expect, it } from 'vitest';
import {
  ChatApiError,
  LIMITS,
  MAX_TEXT,
  checkChatScriptQuery,
  parseIndex,
  parseOfflineMessage,
  parseOperation,
  parseRequestChat,
  userData,
  type FormField,
} from '../../bot-bridge/customer-chat-api';

/** What a check throws, as the envelope says it (or the value when it accepts). */
function outcome<T>(check: () => T): T | { statusCode: number; statusMessage: string } {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof ChatApiError)) throw error;
    return error.toBody();
  }
}

const refused = (message: RegExp) => ({ statusCode: 1, statusMessage: expect.stringMatching(message) });

describe('RequestChat', () => {
  it.each<[string, unknown, unknown]>([
    ['the smallest request', { operationName: 'RequestChat', nickname: 'Chris' }, { nickname: 'Chris', userData: {} }],
    [
      'every field',
      { operationName: 'RequestChat', nickname: 'Chris', subject: 'Billing', endpoint: 'billing', userData: { 'First name': 'John', Premium: true, Age: 41 } },
      { nickname: 'Chris', subject: 'Billing', endpoint: 'billing', userData: { 'First name': 'John', Premium: true, Age: 41 } },
    ],
    ['null optional fields', { operationName: 'RequestChat', nickname: 'C', subject: null, endpoint: null, userData: null }, { nickname: 'C', userData: {} }],
    ['a nickname of 100 characters', { operationName: 'RequestChat', nickname: 'x'.repeat(100) }, { nickname: 'x'.repeat(100), userData: {} }],
    ['no object', [1, 2], refused(/JSON object/)],
    ['null', null, refused(/JSON object/)],
    ['no operationName', { nickname: 'x' }, refused(/"operationName" is required \(RequestChat\)/)],
    ['another operation', { operationName: 'SendMessage', nickname: 'x' }, refused(/expected RequestChat/)],
    ['no nickname', { operationName: 'RequestChat' }, refused(/"nickname" is required/)],
    ['a blank nickname', { operationName: 'RequestChat', nickname: '   ' }, refused(/"nickname" is required/)],
    ['a number as nickname', { operationName: 'RequestChat', nickname: 5 }, refused(/"nickname" must be a string/)],
    ['a nickname of 101 characters', { operationName: 'RequestChat', nickname: 'x'.repeat(101) }, refused(/"nickname" must be at most 100/)],
    ['a subject of 501 characters', { operationName: 'RequestChat', nickname: 'x', subject: 's'.repeat(501) }, refused(/"subject" must be at most 500/)],
    ['an endpoint that is a path', { operationName: 'RequestChat', nickname: 'x', endpoint: '../etc' }, refused(/Unknown endpoint/)],
    ['an empty endpoint', { operationName: 'RequestChat', nickname: 'x', endpoint: '' }, refused(/Unknown endpoint/)],
    ['userData as a list', { operationName: 'RequestChat', nickname: 'x', userData: [1] }, refused(/"userData" must be an object/)],
    ['nested userData', { operationName: 'RequestChat', nickname: 'x', userData: { a: { b: 1 } } }, refused(/"userData\.a" must be a string, a number or a boolean/)],
  ])('%s', (_name, body, expected) => {
    expect(outcome(() => parseRequestChat(body))).toEqual(expected);
  });
});

describe('operations on a chat', () => {
  it.each<[string, unknown, unknown]>([
    ['SendMessage', { operationName: 'SendMessage', text: 'Hello?' }, { operationName: 'SendMessage', text: 'Hello?' }],
    [
      'SendMessage with clientMessageId',
      { operationName: 'SendMessage', text: 'Hi', clientMessageId: 'c-1:a.b_2' },
      { operationName: 'SendMessage', text: 'Hi', clientMessageId: 'c-1:a.b_2' },
    ],
    ['an empty clientMessageId as none', { operationName: 'SendMessage', text: 'Hi', clientMessageId: '' }, { operationName: 'SendMessage', text: 'Hi' }],
    [`a text of ${MAX_TEXT} characters`, { operationName: 'SendMessage', text: 'x'.repeat(MAX_TEXT) }, { operationName: 'SendMessage', text: 'x'.repeat(MAX_TEXT) }],
    ['typing started', { operationName: 'SendStartTypingNotification', text: 'ignored' }, { operationName: 'SendStartTypingNotification' }],
    ['typing stopped', { operationName: 'SendStopTypingNotification' }, { operationName: 'SendStopTypingNotification' }],
    ['Complete', { operationName: 'Complete' }, { operationName: 'Complete' }],
    ['a number', 42, refused(/JSON object/)],
    ['no operationName', {}, refused(/^"operationName" is required$/)],
    ['an unknown operationName', { operationName: 'Dance' }, refused(/Unknown operationName "Dance"/)],
    ['RequestChat on a chat', { operationName: 'RequestChat' }, refused(/Unknown operationName "RequestChat"/)],
    ['SendMessage without text', { operationName: 'SendMessage' }, refused(/"text" is required/)],
    ['SendMessage with blank text', { operationName: 'SendMessage', text: ' \n ' }, refused(/"text" is required/)],
    [`a text of ${MAX_TEXT + 1} characters`, { operationName: 'SendMessage', text: 'x'.repeat(MAX_TEXT + 1) }, refused(/"text" must be at most 4000 characters/)],
    ['a clientMessageId with spaces', { operationName: 'SendMessage', text: 'x', clientMessageId: 'has spaces' }, refused(/"clientMessageId" may only hold/)],
    ['a number as clientMessageId', { operationName: 'SendMessage', text: 'x', clientMessageId: 7 }, refused(/"clientMessageId" must be a string/)],
    ['an object as clientMessageId', { operationName: 'SendMessage', text: 'x', clientMessageId: {} }, refused(/"clientMessageId" must be a string/)],
    ['a clientMessageId of 101 characters', { operationName: 'SendMessage', text: 'x', clientMessageId: 'a'.repeat(101) }, refused(/"clientMessageId" must be at most 100/)],
  ])('%s', (_name, body, expected) => {
    expect(outcome(() => parseOperation(body))).toEqual(expected);
  });
});

describe('GetMessages index', () => {
  it.each<[string, unknown, unknown]>([
    ['absent: the cursor decides', undefined, null],
    ['0', '0', 0],
    ['42', '42', 42],
    ['nine digits', '999999999', 999_999_999],
    ['negative', '-1', refused(/"index" must be a whole number/)],
    ['a word', 'abc', refused(/"index"/)],
    ['a fraction', '1.5', refused(/"index"/)],
    ['an exponent', '1e3', refused(/"index"/)],
    ['ten digits', '1234567890', refused(/"index"/)],
    ['given twice', ['1', '2'], refused(/"index"/)],
  ])('%s', (_name, raw, expected) => {
    expect(outcome(() => parseIndex(raw))).toEqual(expected);
  });
});

describe('userData', () => {
  it('takes up to the limits and refuses one more', () => {
    const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    expect(Object.keys(userData(many(LIMITS.userDataProperties)))).toHaveLength(LIMITS.userDataProperties);
    expect(outcome(() => userData(many(LIMITS.userDataProperties + 1)))).toEqual(refused(/at most 200 properties/));
    expect(outcome(() => userData({ ['k'.repeat(LIMITS.userDataKey + 1)]: 1 }))).toEqual(refused(/keys must have 1 to 255 characters/));
    expect(outcome(() => userData({ '': 1 }))).toEqual(refused(/keys must have 1 to 255/));
    expect(outcome(() => userData({ note: 'x'.repeat(MAX_TEXT + 1) }))).toEqual(refused(/"userData\.note" must be at most 4000/));
    expect(outcome(() => userData({ n: Number.NaN }))).toEqual(refused(/"userData\.n" must be a string, a number or a boolean/));
    expect(outcome(() => userData({ n: null }))).toEqual(refused(/"userData\.n"/));
  });
});

describe('chat-script query', () => {
  it('takes tenant, channel and uuid as short strings, nothing required', () => {
    expect(outcome(() => checkChatScriptQuery({}))).toBeUndefined();
    expect(outcome(() => checkChatScriptQuery({ tenant: 'acme', channel: 'web', uuid: 'x'.repeat(200), other: ['ignored'] }))).toBeUndefined();
    expect(outcome(() => checkChatScriptQuery({ tenant: ['a', 'b'] }))).toEqual(refused(/"tenant" must be a string of at most 200/));
    expect(outcome(() => checkChatScriptQuery({ channel: 'c'.repeat(201) }))).toEqual(refused(/"channel"/));
  });
});

describe('offline messages', () => {
  const form: FormField[] = [
    { id: 'name', label: 'Name', type: 'text', required: false },
    { id: 'email', label: 'Email', type: 'email', required: true },
    { id: 'message', label: 'Message', type: 'textarea', required: true },
  ];

  it.each<[string, unknown, unknown]>([
    [
      'a complete form',
      { fields: { email: 'chris@example.com', message: 'Call me' }, userData: { Plan: 'Gold' } },
      { fields: { email: 'chris@example.com', message: 'Call me' }, userData: { Plan: 'Gold' } },
    ],
    ['fields the form does not ask for', { fields: { email: 'a@b.co', message: 'x', extra: 'kept' } }, { fields: { email: 'a@b.co', message: 'x', extra: 'kept' }, userData: {} }],
    ['no fields', {}, refused(/"fields" must be an object of strings/)],
    ['fields as a list', { fields: [1, 2] }, refused(/"fields" must be an object/)],
    ['fields as a string', { fields: 'hello' }, refused(/"fields" must be an object/)],
    ['a number in fields', { fields: { email: 'a@b.co', message: 3 } }, refused(/"fields\.message" must be a string/)],
    ['a required field missing', { fields: { email: 'chris@example.com' } }, refused(/"fields\.message" is required/)],
    ['a required field blank', { fields: { email: 'chris@example.com', message: '   ' } }, refused(/"fields\.message" is required/)],
    ['a malformed e-mail', { fields: { email: 'not-mail', message: 'hi' } }, refused(/"fields\.email" is not an e-mail address/)],
    ['an answer too long', { fields: { email: 'a@b.co', message: 'x'.repeat(MAX_TEXT + 1) } }, refused(/"fields\.message" must be at most 4000/)],
    ['a key too long', { fields: { ['k'.repeat(LIMITS.offlineFieldKey + 1)]: 'x' } }, refused(/keys must have at most 100/)],
    ['too many fields', { fields: Object.fromEntries(Array.from({ length: LIMITS.offlineFields + 1 }, (_, i) => [`f${i}`, 'x'])) }, refused(/at most 50 entries/)],
    ['bad userData', { fields: { email: 'a@b.co', message: 'x' }, userData: [1] }, refused(/"userData" must be an object/)],
  ])('%s', (_name, body, expected) => {
    expect(outcome(() => parseOfflineMessage(body, form))).toEqual(expected);
  });
});
