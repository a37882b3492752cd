// The handover, as the gateway tells it: queued, agents joining and leaving (with transfers),
// messages, typing, and the conversation going idle. Each event changes the session and shows what
// happened at once: transcript entries to a widget customer, signed callbacks to a generic-API bot,
// handoff.status to a Bot Framework bot, and the gateway calls that follow. Every output's key
// derives from the event id, so applying an event twice adds nothing.
//
// What happens when the agent leaves: `agentLeft` below.
import { fallbackText, readGatewayCards } from '../cards';
import { fill } from '../config';
import { own } from '../customer-chat-api';
import type { NewEntry } from '../store';
import { keysOf, type Draft } from './draft';
import { agentOf, botOf, joined, left, notice, text, typing } from './entries';
import type { SessionEvent } from './events';
import { activity, job } from './outputs';
import type { AgentRef, EndReason } from './types';

type GatewayInput = Extract<SessionEvent, { type: 'gateway' }>;

const LIVE = new Set(['handover', 'queued', 'agent']);
const agentView = (agent: AgentRef) => ({ id: agent.id, name: agent.name || null });

export function relay(d: Draft, input: GatewayInput): void {
  const s = d.next;
  const h = s.handover;
  // Events of an older conversation (a previous handover) change nothing any more.
  if (!h || h.conversationId !== input.conversationId || s.state === 'ended') return;
  const { event, timestamp: at, conversationId } = input;
  const k = keysOf(`ev:${input.eventId}`);
  const { texts } = d.ctx;

  /** Shows one thing: a transcript entry to a widget customer, or a callback to a generic-API bot. */
  const tell = (entry: (key: string) => NewEntry, type: string, data: Record<string, unknown> = {}) => {
    if (s.kind === 'api') d.callback(k(), type, data, at);
    else d.entry(entry(k()));
  };
  const happened = (what: 'agent-joined' | 'agent-left' | 'transfer' | 'returned-to-bot' | 'ended') => d.fact({ type: 'handover-event', happened: what, conversationId });

  const agentRef = (id: string): AgentRef => {
    const known = own(s.agents, id);
    const name = input.agentName ?? known?.name ?? '';
    if (known) {
      if (name && known.name !== name) known.name = name;
      return known;
    }
    const created: AgentRef = { id, name, participantId: String(s.nextParticipantId++) };
    s.agents[id] = created;
    return created;
  };

  /** The chat is over: the agent left (AFTER_AGENT=end), or the contact center closed the conversation. */
  const ended = (reason: EndReason) => {
    s.state = 'ended';
    s.endedReason = reason;
    happened('ended');
    if (s.kind === 'api') {
      d.callback(k(), 'handover.ended', { reason }, at);
      d.job(job.leave(s.id, conversationId));
      return;
    }
    if (reason === 'contact-center') d.entry(notice(texts.conversationEnded, 'ended', { key: k(), at }));
    if (reason === 'agent') d.job(job.leave(s.id, conversationId));
    d.job(job.bot(s.id, activity.end(k(), at, reason), `ev:${input.eventId}:end`));
  };

  /**
   * What happens when the agent leaves. During a transfer: the customer waits for the next agent.
   * Otherwise, with AFTER_AGENT=bot, a widget customer is back with the bot (which is told
   * handoff.status completed, and the gateway conversation stays open for the next handover), and a
   * generic-API bot is told handover.completed (the handover is over here: that bot takes the
   * customer back on its own channel); with AFTER_AGENT=end, the chat ends.
   */
  const agentLeft = (agent: AgentRef) => {
    h.agent = null;
    h.agentTyping = false;
    tell((key) => left(agentOf(agent), at, key), 'agent.left', { agent: agentView(agent), transfer: h.transferring });
    happened('agent-left');
    if (h.transferring) {
      s.state = 'queued';
      return;
    }
    if (d.ctx.afterAgent === 'end') {
      h.closed = true;
      ended('agent');
      return;
    }
    happened('returned-to-bot');
    if (s.kind === 'api') {
      s.state = 'ended';
      s.endedReason = 'agent';
      d.callback(k(), 'handover.completed', {}, at);
      d.job(job.leave(s.id, conversationId));
      return;
    }
    s.state = 'bot';
    d.entry(notice(texts.agentLeftBackToBot, 'returned-to-bot', { key: k(), at }), joined(botOf(d.ctx.botName), at, k()));
    d.job(job.bot(s.id, activity.handoffStatus(k(), at, 'completed'), `ev:${input.eventId}:status`));
  };

  switch (event.type) {
    case 'queued': {
      if (!LIVE.has(s.state) || h.agent) return;
      s.state = 'queued';
      const queueName = event.queueName || event.queueId;
      const position = input.queuePosition;
      tell(
        (key) =>
          notice(fill(texts.queued, { queue: queueName }), 'queued', {
            key,
            at,
            extra: { queueId: event.queueId, queueName, ...(position !== null ? { queuePosition: position } : {}) },
          }),
        'queued',
        { queueId: event.queueId, queueName, ...(position !== null ? { position } : {}) },
      );
      return;
    }

    case 'member': {
      if (event.memberType !== 'agent' || !event.id || !LIVE.has(s.state)) return;
      // A late event older than what we applied for this agent is history: drop it.
      if ((own(h.memberAt, event.id) ?? 0) > at) return;
      if (event.change === 'left') {
        // Only the agent in the chat can leave it (a late "left" after a transfer is not the end).
        if (h.agent?.id !== event.id) return;
        h.memberAt[event.id] = at;
        agentLeft(h.agent);
        return;
      }
      if (h.agent?.id === event.id) return;
      h.memberAt[event.id] = at;
      const again = Object.keys(h.memberAt).some((id) => id !== event.id) || h.transferring;
      const agent = agentRef(event.id);
      h.agent = agent;
      h.transferring = false;
      h.agentTyping = false;
      s.state = 'agent';
      tell((key) => joined(agentOf(agent), at, key), 'agent.joined', { agent: agentView(agent), newAgent: again });
      happened('agent-joined');
      return;
    }

    case 'transfer':
      if (!LIVE.has(s.state) || h.transferring) return;
      h.transferring = true;
      tell((key) => notice(texts.transfer, 'transfer', { key, at }), 'transfer');
      happened('transfer');
      return;

    case 'message': {
      if (event.isEcho) return;
      // An agent's cards and files (the inbox job stored the files): shown with a readable text.
      const rich = event.senderType === 'agent' ? readGatewayCards(event.cards ?? []) : null;
      const files = event.senderType === 'agent' ? (event.files ?? []) : [];
      if (!event.text && !rich?.cards.length && !event.attachments?.length && !rich?.quickReplies.length) return;
      // A file the bridge could not fetch is still named.
      const lost = files.length ? [] : (event.attachments ?? []).map((f) => `File: ${f.name} (not available)`);
      const words = [event.text, ...lost].filter(Boolean).join('\n');
      const said = rich?.cards.length || files.length ? fallbackText(words, rich?.cards ?? [], files) : words;
      if (event.senderType === 'agent' && event.senderId) {
        const agent = agentRef(event.senderId);
        tell(
          (key) =>
            text(agentOf(agent), said, {
              key,
              at,
              ...(rich?.quickReplies.length ? { quickReplies: rich.quickReplies } : {}),
              ...(rich?.cards.length || files.length ? { own: words, cards: rich?.cards ?? [], attachments: files } : {}),
            }),
          'message',
          { agent: agentView(agent), text: said },
        );
      } else if (event.senderType === 'system') {
        tell((key) => notice(said, 'system', { key, at }), 'message', { agent: null, text: said });
      }
      return;
    }

    case 'typing': {
      const agent = h.agent;
      if (s.state !== 'agent' || !agent || at < h.typingAt) return;
      h.typingAt = at;
      const on = event.agentIds.length > 0;
      if (on === h.agentTyping) return;
      h.agentTyping = on;
      tell((key) => typing(agentOf(agent), on, at, key), 'typing', { agent: agentView(agent), typing: on });
      return;
    }

    case 'conversation':
      if (event.state !== 'idle' || h.closed) return;
      h.closed = true;
      if (!LIVE.has(s.state)) return;
      if (h.agent) {
        const agent = h.agent;
        tell((key) => left(agentOf(agent), at, key), 'agent.left', { agent: agentView(agent), transfer: false });
        happened('agent-left');
      }
      h.agent = null;
      ended('contact-center');
      return;

    default:
      return;
  }
}
