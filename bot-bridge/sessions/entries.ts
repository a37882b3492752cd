// Transcript entries as the Customer Chat API shows them: who is who, and the shapes of each kind.
// Every entry is stamped with the time it is given (the machine's clock), never the wall clock here.
import type { Attachment, Card } from '../customer-chat-api/wire';
import type { Entry, NewEntry } from '../store';
import type { AgentRef, Session } from './types';

type From = Entry['from'];

export const CUSTOMER_ID = '1';
export const BOT_ID = 'bot';

export const customerOf = (session: Pick<Session, 'nickname'>): From => ({ nickname: session.nickname, participantId: CUSTOMER_ID, type: 'Customer' });
export const botOf = (name: string): From => ({ nickname: name, participantId: BOT_ID, type: 'External' });
export const SYSTEM: From = { nickname: 'System', participantId: '0', type: 'External' };
export const agentOf = (agent: AgentRef): From => ({ nickname: agent.name, participantId: agent.participantId, type: 'Agent' });

const keyed = (key: string | undefined) => (key ? { key } : {});

export const joined = (from: From, at: number, key?: string): NewEntry => ({ type: 'ParticipantJoined', from, utcTime: at, ...keyed(key) });
export const left = (from: From, at: number, key?: string): NewEntry => ({ type: 'ParticipantLeft', from, utcTime: at, ...keyed(key) });

export interface TextOptions {
  at: number;
  key?: string;
  quickReplies?: { title: string; payload: string }[];
  /** With cards or attachments: the author's own words ('' for none); `body` of the entry is then the fallback text. */
  own?: string;
  cards?: Card[];
  layout?: 'list' | 'carousel';
  attachments?: Attachment[];
}

/** A Text entry; with cards or files it also carries `body` (the author's own words), and `text` is the readable fallback. */
export function text(from: From, body: string, opts: TextOptions): NewEntry {
  const rich = Boolean(opts.cards?.length || opts.attachments?.length);
  return {
    type: 'Text',
    from,
    text: body,
    ...(rich ? { body: opts.own ?? '' } : {}),
    utcTime: opts.at,
    ...(opts.quickReplies?.length ? { quickReplies: opts.quickReplies } : {}),
    ...(opts.cards?.length ? { cards: opts.cards } : {}),
    ...(opts.cards?.length && opts.layout ? { layout: opts.layout } : {}),
    ...(opts.attachments?.length ? { attachments: opts.attachments } : {}),
    ...keyed(opts.key),
  };
}

/**
 * A system line. `notice.event` names what happened, so a client can localise or de-duplicate it
 * (the text is the bridge's configured English).
 */
export function notice(body: string, event: string, opts: { at: number; key?: string; extra?: Record<string, unknown> }): NewEntry {
  return { type: 'Notice', from: SYSTEM, text: body, utcTime: opts.at, notice: { event, ...opts.extra }, ...keyed(opts.key) };
}

export const typing = (from: From, on: boolean, at: number, key?: string): NewEntry => ({
  type: on ? 'TypingStarted' : 'TypingStopped',
  from,
  utcTime: at,
  ...keyed(key),
});
