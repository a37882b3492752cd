// The cards and attachments of a message a channel posts (POST …/messages and history.messages),
// checked like the rest of its body: `cards: [{ contentType, content }]`, `attachments: [{ id }]`
// naming files uploaded to this conversation first (POST …/attachments).
import type { GatewayCard } from '../cards';
import type { FileRef } from '../core';
import { refOf, type FileStore } from '../files';
import type { GatewayProblem } from './problems';

export const MAX_CARDS = 20;
export const MAX_CARD_JSON = 200_000;
export const MAX_ATTACHMENTS = 10;

type Fail = (message: string) => GatewayProblem;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function cardsOf(raw: unknown, path: string, fail: Fail): GatewayCard[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw fail(`${path} must be an array`);
  if (raw.length > MAX_CARDS) throw fail(`${path} may have at most ${MAX_CARDS} items (got ${raw.length})`);
  return raw.map((card, i) => {
    if (!isObject(card)) throw fail(`${path}[${i}] must be an object with contentType and content`);
    const { contentType, content } = card;
    if (typeof contentType !== 'string' || contentType.trim() === '' || contentType.length > 255)
      throw fail(`${path}[${i}].contentType must be a content type such as application/vnd.microsoft.card.adaptive`);
    if (!isObject(content)) throw fail(`${path}[${i}].content must be an object`);
    if (JSON.stringify(content).length > MAX_CARD_JSON) throw fail(`${path}[${i}].content must be at most ${MAX_CARD_JSON} characters of JSON`);
    return { contentType, content };
  });
}

export function attachmentsOf(raw: unknown, conversationId: string, files: FileStore, fail: Fail): FileRef[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw fail('attachments must be an array of {id}');
  if (raw.length > MAX_ATTACHMENTS) throw fail(`attachments may have at most ${MAX_ATTACHMENTS} items (got ${raw.length})`);
  return raw.map((item, i) => {
    const id = isObject(item) ? item.id : undefined;
    if (typeof id !== 'string' || id === '') throw fail(`attachments[${i}].id must be a string`);
    const file = files.of(conversationId, id);
    if (!file) throw fail(`Attachment ${id.slice(0, 100)} does not exist in this conversation: upload it first (POST …/attachments)`);
    return refOf(file);
  });
}
