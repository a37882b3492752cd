// What the agent gets: the gateway conversation request built from the chat (customer info, chat
// variables, the bot's context, the bot transcript), within the gateway's limits.
import { createHash } from 'node:crypto';
import { own } from '../customer-chat-api';
import type { Entry } from '../store';
import { BOT_ID } from './entries';
import type { GatewayUser, Handover, HistoryMessage, Primitive, Session } from './types';

export const MAX_PROPERTIES = 30;
export const MAX_HISTORY = 200;
export const MAX_VALUE = 4000;
export const MAX_HISTORY_TEXT = 10_000;
/** How the bridge recognises its conversation after an ambiguous create (always kept, always first). */
export const REFERENCE_KEY = 'Parley reference';
export const OMITTED_KEY = 'Parley omitted';

/** The 21 languages the gateway documents. */
const LANGUAGES = ['en', 'ru', 'de', 'ja', 'es', 'fr', 'pt', 'it', 'pl', 'hr', 'nl', 'ar', 'da', 'ko', 'no', 'sv', 'vi', 'cy', 'th', 'zh-CN', 'zh-TW'];

export const textHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 24);

/**
 * A userData key as spelt by anyone: "E-mail", "Case ID", and the widget's CRM variables, which it
 * sends with a leading `$` (`$language`, `$emailAddress`, `$caseNumber`: protocols/embedded-chat-bus.md).
 */
const squash = (key: string) =>
  key
    .toLowerCase()
    .replace(/^\$/, '')
    .replace(/[\s_-]/g, '');

const USER_KEYS: Record<string, keyof GatewayUser> = {
  email: 'email',
  emailaddress: 'email',
  phone: 'phone',
  phonenumber: 'phone',
  mobile: 'phone',
  company: 'company',
  organization: 'company',
  caseid: 'caseId',
  casenumber: 'caseId',
  userid: 'userId',
  customerid: 'userId',
  language: 'language',
  lang: 'language',
  locale: 'language',
};

export function languageCode(raw: string): string | undefined {
  const value = raw.trim();
  const exact = LANGUAGES.find((l) => l.toLowerCase() === value.toLowerCase().replace('_', '-'));
  if (exact) return exact;
  const base = value.toLowerCase().split(/[-_]/)[0]!;
  return base !== 'zh' && LANGUAGES.includes(base) ? base : undefined;
}

const asText = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : (JSON.stringify(value) ?? '');
const clip = (value: string, max: number) => (value.length > max ? `${value.slice(0, max - 1)}…` : value);

/** The gateway `user` of a widget chat: its nickname, and the customer info found in userData. */
export function userFromChat(nickname: string, userData: Record<string, Primitive>): GatewayUser {
  const user: GatewayUser = { name: clip(nickname, 255) };
  const byKey = new Map(Object.entries(userData).map(([k, v]) => [squash(k), v]));
  for (const [key, value] of Object.entries(userData)) {
    const field = own(USER_KEYS, squash(key));
    if (!field || user[field] !== undefined) continue;
    const text = asText(value).trim();
    if (!text) continue;
    if (field === 'language') {
      const code = languageCode(text);
      if (code) user.language = code;
    } else user[field] = clip(text, 255);
  }
  if (!nickname.trim()) {
    const name = byKey.get('name') ?? byKey.get('fullname') ?? [byKey.get('firstname'), byKey.get('lastname')].filter(Boolean).join(' ');
    if (name) user.name = clip(asText(name), 255);
  }
  return user;
}

/** Flattens the bot's context (an object or a value) to strings. */
export function flattenContext(value: unknown): Record<string, string> {
  if (value === undefined || value === null || value === '') return {};
  if (typeof value !== 'object' || Array.isArray(value)) return { 'Bot context': clip(asText(value), MAX_VALUE) };
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    out[clip(key, 255)] = clip(asText(v), MAX_VALUE);
  }
  return out;
}

/**
 * additionalProperties, at most 30: the reference first, then the bot's context (why the customer
 * is here), then the subject, then the chat's userData (customer info and chat variables, e.g.
 * "Started by": "Chat API"). When there are more, the last ones are dropped first (the end of
 * userData, then the end of the context) and the 30th says how many and which were left out.
 */
export function additionalProperties(session: Session, handover: Handover, reference: string): { key: string; value: string }[] {
  const all: { key: string; value: string }[] = [{ key: REFERENCE_KEY, value: reference }];
  const seen = new Set([REFERENCE_KEY]);
  const add = (key: string, value: string) => {
    const k = clip(key, 255);
    if (!k || seen.has(k)) return;
    seen.add(k);
    all.push({ key: k, value: clip(value, MAX_VALUE) });
  };
  for (const [key, value] of Object.entries(handover.context)) add(key, value);
  if (session.subject) add('Subject', session.subject);
  for (const [key, value] of Object.entries(session.userData)) add(key, asText(value));
  if (all.length <= MAX_PROPERTIES) return all;
  const kept = all.slice(0, MAX_PROPERTIES - 1);
  const dropped = all.slice(MAX_PROPERTIES - 1);
  kept.push({ key: OMITTED_KEY, value: clip(`${dropped.length} more properties (limit ${MAX_PROPERTIES}): ${dropped.map((p) => p.key).join(', ')}`, MAX_VALUE) });
  return kept;
}

/** The bridge's own record of the bot phase, as history: customer and bot texts, in order. */
export function historyFromEntries(entries: Entry[]): HistoryMessage[] {
  const out: HistoryMessage[] = [];
  for (const entry of entries) {
    if (entry.type !== 'Text' || !entry.text) continue;
    if (entry.from.type === 'Customer') out.push({ authorType: 'user', text: entry.text });
    else if (entry.from.type === 'External' && entry.from.participantId === BOT_ID) {
      const options = entry.quickReplies?.length ? `\n(options: ${entry.quickReplies.map((q) => q.title).join(' | ')})` : '';
      out.push({ authorType: 'bot', text: entry.text + options });
    }
  }
  return out;
}

/** At most 200 messages: the oldest go first, and a note at the top says how many. */
export function capHistory(messages: HistoryMessage[]): HistoryMessage[] {
  const clipped = messages.filter((m) => m.text.trim()).map((m) => ({ authorType: m.authorType, text: clip(m.text, MAX_HISTORY_TEXT) }));
  if (clipped.length <= MAX_HISTORY) return clipped;
  const kept = clipped.slice(clipped.length - (MAX_HISTORY - 1));
  return [{ authorType: 'bot', text: `[${clipped.length - kept.length} earlier messages of the bot conversation are not shown]` }, ...kept];
}

export function countUserTexts(history: HistoryMessage[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of history) if (m.authorType === 'user') counts[textHash(m.text)] = (counts[textHash(m.text)] ?? 0) + 1;
  return counts;
}

export interface ConversationRequest {
  channelId: string;
  user: GatewayUser & { additionalProperties: { key: string; value: string }[] };
  assignment: { type: 'queue'; id: string };
  history?: { messages: HistoryMessage[] };
}

export function conversationRequest(session: Session, handover: Handover, channelId: string, history: HistoryMessage[], reference: string): ConversationRequest {
  return {
    channelId,
    user: { ...session.user, additionalProperties: additionalProperties(session, handover, reference) },
    assignment: { type: 'queue', id: handover.queueId },
    ...(history.length ? { history: { messages: history } } : {}),
  };
}
