// What reaches the customer comes from the gateway's own record, not from a webhook body.
//
// The webhook signature binds the delivery headers to a CRC-32 of the body, and a CRC-32 can be
// matched at will: whoever holds one signed delivery (another channel's receiver, within the
// freshness window, for the same tenant and customer) can write any body with the same checksum. So
// before an agent's or the system's MESSAGE is shown to a customer (or called back to a generic-API
// bot), it is looked up in the conversation's message list at the gateway (GET
// /conversations/{id}/messages with our API key, newest first): a message by the same author, with
// the same text, attachments and cards, that no other event has been matched to. Each list message
// confirms one event at most, so a forged copy of a real text is not shown twice either.
//
// Two more events would let a forged body change a customer's chat, and are as cheap to check
// (they are rare): an agent joining or leaving must agree with the conversation's participants
// (GET …/participants: a joining agent is listed, a leaving one is not listed as present), and the
// conversation going idle (which ends the chat) with the conversation itself (GET …/{id}).
// Other events (QUEUED, TRANSFER, typing) are not checked: README "Security" says what is left.
//
// Each lookup is one gateway call per inbox run (events of a conversation applied together share
// it), under the shared GATEWAY_RPS budget.
import { createHash } from 'node:crypto';
import type { Deps } from '../context';
import type { GatewayEvent, Outcome } from '../gateway';
import { conversationCounters, type InboxEvent } from '../store';

/** How far back the list is read, by message time, before the event's timestamp (clock skew, retries). */
const LOOKBACK_MS = 5 * 60_000;
const PAGE_SIZE = 100;
const MAX_PAGES = 3;

type Message = Extract<GatewayEvent, { type: 'message' }>;

export type Confirmation = { kind: 'confirmed' } | { kind: 'absent'; final: boolean } | { kind: 'unavailable'; message: string; retryAfterMs: number | null };

type Member = Extract<GatewayEvent, { type: 'member' }>;

/**
 * Events checked at the gateway first: messages that reach the customer (an agent's or the
 * system's, not an echo of what we sent), agents joining or leaving, and the conversation ending.
 */
export const needsConfirmation = (event: GatewayEvent): boolean =>
  (event.type === 'message' && !event.isEcho && (event.senderType === 'agent' || event.senderType === 'system')) ||
  (event.type === 'member' && event.memberType === 'agent' && !!event.id) ||
  (event.type === 'conversation' && event.state === 'idle');

export interface Participant {
  id: string;
  type: string;
  removed: boolean;
  name: string | null;
}

interface Listed {
  id: string;
  createdAt: number;
  authorId: string;
  /** Author type, text, attachments and cards (the author id is compared on its own). */
  fingerprint: string;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** JSON with sorted keys: the same cards compare equal however the gateway orders them. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Json)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function fingerprint(authorType: string, text: string, attachments: unknown, cards: unknown): string {
  const ids = list(attachments)
    .map((a) => str(obj(a).id))
    .sort();
  return createHash('sha256')
    .update(JSON.stringify([authorType, text, ids, canonical(list(cards))]))
    .digest('base64url');
}

/** A gateway call's failure as a confirmation: 404 = no such conversation for our key (final). */
function failed(outcome: Exclude<Outcome, { kind: 'ok' }>): Confirmation {
  if (outcome.kind === 'retry') return { kind: 'unavailable', message: outcome.message, retryAfterMs: outcome.retryAfterMs };
  if (outcome.status === 404) return { kind: 'absent', final: true };
  return { kind: 'unavailable', message: outcome.message, retryAfterMs: null };
}

export class Confirmer {
  /** One lookup of each kind per conversation per inbox run. */
  private readonly lists = new Map<string, Listed[] | Confirmation>();
  private readonly people = new Map<string, Participant[] | Confirmation>();
  private readonly states = new Map<string, string | Confirmation>();

  constructor(private readonly deps: Pick<Deps, 'gateway' | 'store'>) {}

  async confirm(event: InboxEvent, normalized: GatewayEvent): Promise<Confirmation> {
    if (normalized.type === 'message') return this.message(event, normalized);
    if (normalized.type === 'member') return this.member(event.conversationId, normalized);
    if (normalized.type === 'conversation') {
      const state = await this.state(event.conversationId);
      if (typeof state !== 'string') return state;
      return state === normalized.state ? { kind: 'confirmed' } : { kind: 'absent', final: false };
    }
    return { kind: 'confirmed' };
  }

  /** The conversation's participants at the gateway (also where agents' names come from). */
  async participants(conversationId: string): Promise<Participant[] | Confirmation> {
    const cached = this.people.get(conversationId);
    if (cached) return cached;
    const outcome = await this.deps.gateway.participants(conversationId, 3000);
    const result: Participant[] | Confirmation =
      outcome.kind === 'ok'
        ? list(obj(obj(outcome.body)._embedded).participants)
            .map(obj)
            .map((p) => ({ id: str(p.id), type: str(p.type), removed: p.removed === true, name: typeof p.name === 'string' && p.name.trim() ? p.name.trim() : null }))
        : failed(outcome);
    this.people.set(conversationId, result);
    return result;
  }

  private async member(conversationId: string, event: Member): Promise<Confirmation> {
    const people = await this.participants(conversationId);
    if (!Array.isArray(people)) return people;
    const agent = people.find((p) => p.type === 'agent' && p.id === event.id);
    // A join needs the agent listed (perhaps gone again since); a leave needs them not listed as present.
    const agrees = event.change === 'joined' ? !!agent : !agent || agent.removed;
    return agrees ? { kind: 'confirmed' } : { kind: 'absent', final: false };
  }

  private async state(conversationId: string): Promise<string | Confirmation> {
    const cached = this.states.get(conversationId);
    if (cached) return cached;
    const outcome = await this.deps.gateway.call('GET', `/conversations/${encodeURIComponent(conversationId)}`, '/conversations/{id}');
    const result = outcome.kind === 'ok' ? str(obj(outcome.body).state) : failed(outcome);
    this.states.set(conversationId, result);
    return result;
  }

  private async message(event: InboxEvent, normalized: Message): Promise<Confirmation> {
    const { store } = this.deps;
    const counters = conversationCounters(event.conversationId);
    // Applied before and crashed before it was marked done: it was confirmed then.
    if (await store.counted(counters, `confirmed:${event.eventId}`)) return { kind: 'confirmed' };
    const listed = await this.messages(event.conversationId, event.timestamp);
    if (!Array.isArray(listed)) return listed;
    const data = obj(event.body.data);
    const wanted = fingerprint(normalized.senderType, normalized.text, data.attachments, data.cards);
    // Closest in time first: of two identical texts, the event takes the one sent when it was.
    const candidates = listed
      .filter((m) => m.fingerprint === wanted && (!m.authorId || !normalized.senderId || m.authorId === normalized.senderId))
      .sort((a, b) => Math.abs(a.createdAt - event.timestamp) - Math.abs(b.createdAt - event.timestamp));
    for (const message of candidates) {
      // Claim the list message for this event; a message another event claimed is taken. A crash
      // between the claim and the mark: the same claim again returns 1 (counted once per event).
      const claims = await store.incrCounter(counters, `message:${message.id}`, 1, `claim:${event.eventId}:${message.id}`);
      if (claims !== 1) continue;
      await store.incrCounter(counters, 'confirmed', 1, `confirmed:${event.eventId}`);
      return { kind: 'confirmed' };
    }
    return { kind: 'absent', final: false };
  }

  /** The newest messages (back to LOOKBACK_MS before `since`), each with its fingerprint. */
  private async messages(conversationId: string, since: number): Promise<Listed[] | Confirmation> {
    const cached = this.lists.get(conversationId);
    if (cached) return cached;
    const found: Listed[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const path = `/conversations/${encodeURIComponent(conversationId)}/messages?page=${page}&size=${PAGE_SIZE}&sort=createdAt:desc`;
      const outcome = await this.deps.gateway.call('GET', path, '/conversations/{id}/messages');
      if (outcome.kind !== 'ok') {
        const result = failed(outcome);
        this.lists.set(conversationId, result);
        return result;
      }
      const body = obj(outcome.body);
      const items = list(obj(body._embedded).messages);
      let oldest = Infinity;
      for (const item of items.map(obj)) {
        const author = obj(item.author);
        const createdAt = Date.parse(str(item.createdAt));
        if (Number.isFinite(createdAt)) oldest = Math.min(oldest, createdAt);
        const print = fingerprint(str(author.type), str(item.text), item.attachments, item.cards);
        found.push({ id: str(item.id) || `${str(item.createdAt)}:${print}`, createdAt: Number.isFinite(createdAt) ? createdAt : 0, authorId: str(author.id), fingerprint: print });
      }
      const totalPages = Number(obj(body.page).totalPages);
      if (items.length < PAGE_SIZE || (Number.isFinite(totalPages) && page + 1 >= totalPages) || oldest < since - LOOKBACK_MS) break;
    }
    this.lists.set(conversationId, found);
    return found;
  }
}
