// Turns the server's transcript entries into the chat's state, purely: what the customer sees,
// who is connected, which of the customer's own messages the server now holds.
import { own } from '../../bot-bridge/customer-chat-api/own';
import type { ChatSession, EndReason, Item, SharedState, WireEntry } from './types';

export interface Applied {
  state: SharedState;
  /** New messages from the agent or the bot (for events, unread, sound). */
  incoming: Extract<Item, { kind: 'message' }>[];
  /** The latest typing state of the agent or bot in this batch, if it changed. */
  typing: { on: boolean; name: string } | null;
  /** The agent left: only GetChat can tell a transfer from the end. */
  agentLeft: boolean;
  /** The chat ended in this batch, and why. */
  ended: EndReason | null;
}

const system = (key: string, at: number, extra: Partial<Extract<Item, { kind: 'system' }>> = {}): Item => ({ kind: 'system', key, at, ...extra });

/**
 * Notices that name their event (our servers' `notice.event`) become system messages in the chat
 * language; other notices show the server's own text.
 */
const NOTICE_KEYS: Record<string, string> = {
  queued: 'chatQueued',
  transfer: 'chatForwarded',
  'returned-to-bot': 'agentDisconnected',
  ended: 'endChatNotification',
  'idle-timeout': 'sessionDisconnected',
};

const lastKey = (transcript: Item[]) => {
  const last = [...transcript].reverse().find((i) => i.kind === 'system');
  return last?.kind === 'system' ? last.key : null;
};

const AGENT_JOINED = new Set(['chatEstablishedName', 'chatEstablishedAgent', 'chatEstablishedAgentNew']);

/** Whether the transcript already says `key` since the last agent joined. */
const saidSinceAgentJoined = (transcript: Item[], key: string) => {
  for (let i = transcript.length - 1; i >= 0; i--) {
    const item = transcript[i]!;
    if (item.kind !== 'system') continue;
    if (item.key === key) return true;
    if (AGENT_JOINED.has(item.key)) return false;
  }
  return false;
};

/**
 * The cards and files of an entry, as far as they have the right shape (the UI checks each field
 * again as it shows it), and the author's own words beside them.
 */
function richOf(entry: WireEntry): Pick<Extract<Item, { kind: 'message' }>, 'body' | 'cards' | 'layout' | 'attachments'> {
  const cards = Array.isArray(entry.cards) ? entry.cards.filter((c) => c && typeof c === 'object').slice(0, 20) : [];
  const attachments = Array.isArray(entry.attachments)
    ? entry.attachments.filter((a) => a && typeof a.id === 'string' && typeof a.url === 'string' && typeof a.name === 'string').slice(0, 20)
    : [];
  if (!cards.length && !attachments.length) return {};
  return {
    body: typeof entry.body === 'string' ? entry.body : (entry.text ?? ''),
    ...(cards.length ? { cards, layout: entry.layout === 'carousel' && cards.length > 1 ? 'carousel' : 'list' } : {}),
    ...(attachments.length ? { attachments } : {}),
  };
}

export function applyEntries(state: SharedState, entries: WireEntry[], now = Date.now()): Applied {
  const result: Applied = { state, incoming: [], typing: null, agentLeft: false, ended: null };
  if (!state.chat || state.chat.status === 'ended') return result;
  let chat: ChatSession = { ...state.chat };
  const transcript = [...state.transcript];
  let outbox = [...state.outbox];

  for (const entry of [...entries].sort((a, b) => a.index - b.index)) {
    if (!Number.isInteger(entry.index) || entry.index <= chat.lastIndex) continue;
    chat.lastIndex = entry.index;
    const at = entry.utcTime ?? now;
    const who = entry.from?.type;
    const name = entry.from?.nickname ?? '';
    switch (entry.type) {
      case 'ParticipantJoined':
        if (who === 'Agent') {
          const key = chat.agentsSeen > 0 ? 'chatEstablishedAgentNew' : name ? 'chatEstablishedName' : 'chatEstablishedAgent';
          chat = { ...chat, status: 'chatting', agent: { name }, agentsSeen: chat.agentsSeen + 1, queuePosition: null };
          transcript.push(system(key, at, { index: entry.index, agent: name }));
        } else if (who === 'External') {
          // The bot joining starts the chat; the bot coming back after an agent is said by the notice.
          const first = chat.agentsSeen === 0 && !transcript.some((i) => i.kind === 'system' && i.key === 'chatEstablished');
          chat = { ...chat, status: 'chatting', queuePosition: null };
          if (first) transcript.push(system('chatEstablished', at, { index: entry.index, agent: name }));
        }
        break;
      case 'ParticipantLeft':
        if (who === 'Agent') {
          chat = { ...chat, agent: null };
          result.agentLeft = true;
          result.typing = { on: false, name };
        } else if (who === 'Customer') {
          const reason: EndReason = chat.ending ?? 'timeout';
          chat = { ...chat, status: 'ended', endReason: reason, agent: null };
          const key = reason === 'timeout' ? 'sessionDisconnected' : reason === 'chat-api' ? 'endChatNotification' : 'chatEnded';
          transcript.push(system(key, at, { index: entry.index }));
          result.ended = reason;
        }
        break;
      case 'Text': {
        const text = entry.text ?? '';
        const rich = richOf(entry);
        if (who === 'Customer') {
          // Ours, from this visitor: the server records sends in order, so the oldest
          // unconfirmed outgoing message with this text (or these files) is the one it now holds.
          const files = new Set((rich.attachments ?? []).map((a) => a.id));
          const said = rich.body ?? text;
          const mine = files.size
            ? outbox.findIndex((o) => o.files?.some((f) => f.uploaded && files.has(f.uploaded)))
            : outbox.findIndex((o) => !o.files?.length && o.text === said);
          if (mine >= 0) outbox = outbox.filter((_, i) => i !== mine);
          transcript.push({ kind: 'message', index: entry.index, from: 'customer', name, text, at, ...rich });
        } else {
          const message = {
            kind: 'message' as const,
            index: entry.index,
            from: who === 'Agent' ? ('agent' as const) : ('bot' as const),
            name,
            text,
            at,
            ...(Array.isArray(entry.quickReplies) && entry.quickReplies.length ? { quickReplies: entry.quickReplies } : {}),
            ...rich,
          };
          transcript.push(message);
          result.incoming.push(message);
          result.typing = { on: false, name };
        }
        break;
      }
      case 'TypingStarted':
      case 'TypingStopped':
        if (who !== 'Customer') result.typing = { on: entry.type === 'TypingStarted', name };
        break;
      case 'Notice': {
        const position = entry.notice?.queuePosition;
        const event = typeof entry.notice?.event === 'string' ? entry.notice.event : null;
        const key = event ? own(NOTICE_KEYS, event) : undefined;
        if (typeof position === 'number') {
          chat = { ...chat, queuePosition: position };
          if (chat.status === 'chatting' && !chat.agent) chat.status = 'queued';
        }
        if (key) {
          if (key === 'chatForwarded') chat = { ...chat, status: 'queued' };
          const repeated = key === 'agentDisconnected' ? saidSinceAgentJoined(transcript, key) : lastKey(transcript) === key;
          if (!repeated) transcript.push(system(key, at, { index: entry.index }));
        } else if (typeof position !== 'number' && entry.text) {
          transcript.push(system('notice', at, { index: entry.index, text: entry.text }));
        }
        break;
      }
      default:
        break;
    }
  }
  result.state = { ...state, chat, transcript, outbox };
  return result;
}

/**
 * After the agent left, GetChat tells what follows: the end (Idle), the bot again (a bot is among
 * the participants, no agent), or a transfer (waiting for the next agent).
 */
export function afterAgentLeft(state: SharedState, chatState: string, participants: { type: string }[] = [], now = Date.now()): { state: SharedState; ended: boolean } {
  if (!state.chat || state.chat.status === 'ended' || state.chat.agent) return { state, ended: false };
  if (chatState !== 'Idle' && participants.some((p) => p.type === 'External') && !participants.some((p) => p.type === 'Agent')) {
    const transcript = saidSinceAgentJoined(state.transcript, 'agentDisconnected') ? state.transcript : [...state.transcript, system('agentDisconnected', now)];
    return { state: { ...state, chat: { ...state.chat, status: 'chatting' }, transcript }, ended: false };
  }
  if (chatState === 'Idle') {
    return {
      state: {
        ...state,
        chat: { ...state.chat, status: 'ended', endReason: 'agent' },
        transcript: [...state.transcript, system('agentDisconnected', now)],
      },
      ended: true,
    };
  }
  if (lastKey(state.transcript) === 'chatForwarded') return { state: { ...state, chat: { ...state.chat, status: 'queued' } }, ended: false };
  return {
    state: { ...state, chat: { ...state.chat, status: 'queued' }, transcript: [...state.transcript, system('chatForwarded', now)] },
    ended: false,
  };
}

/**
 * The agent each system line speaks of, for its {{agent}}: the one it names, else the last agent
 * named before it (the agent who left, who was forwarded from, who ended the chat).
 */
export function agentOfLines(transcript: Item[]): (string | undefined)[] {
  let last: string | undefined;
  return transcript.map((item) => {
    if (item.kind === 'message' && item.from === 'agent' && item.name) last = item.name;
    if (item.kind !== 'system') return undefined;
    if (item.agent && item.key !== 'chatEstablished') last = item.agent;
    return item.agent || last;
  });
}
