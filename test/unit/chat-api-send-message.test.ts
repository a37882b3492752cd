// SendMessage's extensions, as both servers check them: files by id (text optional then), a
// reply button's JSON value; what a client sends → what the servers make of it, or the message.
import { describe, expect, it } from 'vitest';
import { ChatApiError, LIMITS, parseOperation } from '../../bot-bridge/customer-chat-api';

function outcome(body: unknown) {
  try {
    return parseOperation(body);
  } catch (error) {
    if (!(error instanceof ChatApiError)) throw error;
    return error.toBody();
  }
}

const refused = (message: RegExp) => ({ statusCode: 1, statusMessage: expect.stringMatching(message) });
const send = (extra: Record<string, unknown>) => ({ operationName: 'SendMessage', ...extra });

describe('SendMessage with attachments and a value', () => {
  it.each<[string, unknown, unknown]>([
    ['files without text', send({ attachments: [{ id: 'f-1' }] }), send({ text: '', attachments: [{ id: 'f-1' }] })],
    ['files with text', send({ text: 'See', attachments: [{ id: 'a' }, { id: 'b_2' }] }), send({ text: 'See', attachments: [{ id: 'a' }, { id: 'b_2' }] })],
    ['an empty list as none', send({ text: 'Hi', attachments: [] }), send({ text: 'Hi' })],
    ['a JSON value', send({ text: 'M', value: { size: 'M' } }), send({ text: 'M', value: { size: 'M' } })],
    ['null value and attachments as none', send({ text: 'Hi', value: null, attachments: null }), send({ text: 'Hi' })],
    ['no text and an empty list', send({ attachments: [] }), refused(/"text" is required/)],
    ['attachments not a list', send({ text: 'x', attachments: { id: 'a' } }), refused(/"attachments" must be an array/)],
    ['an id that is a path', send({ attachments: [{ id: '../x' }] }), refused(/"attachments\[0\]\.id" must be the id of a file/)],
    ['a bare string', send({ attachments: ['a'] }), refused(/"attachments\[0\]\.id"/)],
    ['too many files', send({ attachments: Array.from({ length: LIMITS.attachmentsPerMessage + 1 }, (_, i) => ({ id: `f${i}` })) }), refused(/at most 10 files/)],
    ['a list as value', send({ text: 'x', value: [1] }), refused(/"value" must be a JSON object/)],
    ['a string as value', send({ text: 'x', value: 'M' }), refused(/"value" must be a JSON object/)],
    ['a value too large', send({ text: 'x', value: { a: 'x'.repeat(LIMITS.value) } }), refused(/"value" must be at most 4000 characters of JSON/)],
  ])('%s', (_name, body, expected) => {
    expect(outcome(body)).toEqual(expected);
  });
});
