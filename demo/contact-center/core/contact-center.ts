import { randomUUID } from 'node:crypto';
import { DomainError } from './errors';
import type { Agent, Author, ContactCenterEvent, EndReason, Entry, HistoryMessage, Interaction, MessageExtras, Participant, Primitive, Queue, Source } from './types';

const SYSTEM: Participant = { nickname: 'System', participantId: '0', type: 'External' };

export interface OpenInput {
  source: Source;
  contactCenterId: string;
  queueId: string;
  id?: string;
  customerName: string;
  customer?: Record<string, string>;
  userData?: Record<string, Primitive>;
  history?: HistoryMessage[];
}

type Listener = (event: ContactCenterEvent) => void;

/**
 * Queues and interactions, shared by every API of the emulator. It records what happens in each
 * interaction's transcript and tells listeners (the Chat Gateway's webhooks) in the same order.
 */
export class ContactCenter {
  readonly interactions = new Map<string, Interaction>();
  /** Every agent who has accepted an interaction, by id. */
  readonly agents = new Map<string, { id: string; name: string }>();
  private readonly listeners = new Set<Listener>();
  private readonly entryListeners = new Set<(interactionId: string) => void>();
  private seq = 0;

  constructor(readonly queues: ReadonlyMap<string, Queue>) {}

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after every entry appended to a transcript (the Customer Chat API's long-poll wakes on it). */
  onEntry(listener: (interactionId: string) => void): () => void {
    this.entryListeners.add(listener);
    return () => this.entryListeners.delete(listener);
  }

  private emit(event: ContactCenterEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  queue(id: string): Queue {
    const queue = this.queues.get(id);
    if (!queue) throw new DomainError('invalid', `Unknown queue "${id}"`);
    return queue;
  }

  get(id: string): Interaction {
    const interaction = this.interactions.get(id);
    if (!interaction) throw new DomainError('not-found', `No interaction ${id}`);
    return interaction;
  }

  open(input: OpenInput): Interaction {
    const queue = this.queue(input.queueId);
    const now = Date.now();
    const customerParticipant: Participant = { nickname: input.customerName, participantId: '1', type: 'Customer' };
    const interaction: Interaction = {
      id: input.id ?? randomUUID(),
      source: input.source,
      contactCenterId: input.contactCenterId,
      state: 'queued',
      queueId: queue.id,
      queuedAt: now,
      createdAt: now,
      endedAt: null,
      endedReason: null,
      customer: { name: input.customerName, ...input.customer },
      userData: input.userData ?? {},
      history: input.history ?? [],
      customerParticipant,
      agent: null,
      transcript: [],
      announcedPosition: null,
      typing: { customer: false, agent: false },
      nextParticipantId: 2,
      seq: ++this.seq,
    };
    this.interactions.set(interaction.id, interaction);
    this.append(interaction, { type: 'ParticipantJoined', from: customerParticipant });
    this.emit({ type: 'queued', interaction, queue, first: true });
    this.announcePositions(queue.id);
    return interaction;
  }

  accept(id: string, agentId: string, agentName: string): Interaction {
    const interaction = this.get(id);
    if (interaction.state !== 'queued') {
      throw new DomainError('invalid-state', `Interaction ${id} is ${interaction.state}, not queued`);
    }
    const agent: Agent = { id: agentId, name: agentName, participantId: String(interaction.nextParticipantId++) };
    interaction.agent = agent;
    this.agents.set(agentId, { id: agentId, name: agentName });
    interaction.state = 'active';
    interaction.announcedPosition = null;
    this.append(interaction, { type: 'ParticipantJoined', from: this.agentParticipant(agent) });
    this.emit({ type: 'agent-joined', interaction, agent });
    this.announcePositions(interaction.queueId);
    return interaction;
  }

  /** A message from the customer, the bot (gateway) or the agent: text, and maybe cards and files. */
  say(id: string, author: Author, text: string, extras: MessageExtras = {}): Entry {
    const interaction = this.get(id);
    this.assertOpen(interaction);
    let from: Participant;
    if (author === 'agent') {
      if (!interaction.agent) throw new DomainError('invalid-state', 'No agent is connected to this interaction');
      from = this.agentParticipant(interaction.agent);
      if (interaction.typing.agent) this.setTyping(id, 'agent', false);
    } else if (author === 'bot') {
      from = { nickname: 'Bot', participantId: 'bot', type: 'External' };
    } else {
      from = interaction.customerParticipant;
      if (interaction.typing.customer) this.setTyping(id, 'customer', false);
    }
    const { quickReplies, cards, layout, attachments, value } = extras;
    const entry = this.append(interaction, {
      type: 'Text',
      from,
      ...(text ? { text } : {}),
      ...(quickReplies?.length ? { quickReplies } : {}),
      ...(cards?.length ? { cards, ...(layout ? { layout } : {}) } : {}),
      ...(attachments?.length ? { attachments } : {}),
      ...(value ? { value } : {}),
    });
    this.emit({ type: 'message', interaction, author, text, agent: interaction.agent, extras });
    return entry;
  }

  /** Records a change of typing state; repeats of the same state record nothing. */
  setTyping(id: string, author: 'customer' | 'agent', typing: boolean): void {
    const interaction = this.get(id);
    this.assertOpen(interaction);
    if (author === 'agent' && !interaction.agent) {
      throw new DomainError('invalid-state', 'No agent is connected to this interaction');
    }
    if (interaction.typing[author] === typing) return;
    interaction.typing[author] = typing;
    const from = author === 'agent' ? this.agentParticipant(interaction.agent!) : interaction.customerParticipant;
    this.append(interaction, { type: typing ? 'TypingStarted' : 'TypingStopped', from });
    this.emit({ type: 'typing', interaction, author, typing, agent: interaction.agent });
  }

  transfer(id: string, queueId: string): Interaction {
    const interaction = this.get(id);
    const queue = this.queue(queueId);
    if (interaction.state !== 'active' || !interaction.agent) {
      throw new DomainError('invalid-state', `Only an active interaction can be transferred (it is ${interaction.state})`);
    }
    const agent = interaction.agent;
    this.emit({ type: 'transfer', interaction, from: agent });
    this.removeAgent(interaction, true);
    this.append(interaction, { type: 'Notice', from: SYSTEM, text: `Your chat is being forwarded to ${queue.name}.`, notice: { event: 'transfer', queueId: queue.id } });
    interaction.state = 'queued';
    interaction.queueId = queue.id;
    interaction.queuedAt = Date.now();
    interaction.seq = ++this.seq;
    this.emit({ type: 'queued', interaction, queue, first: false });
    this.announcePositions(queue.id);
    return interaction;
  }

  /** Moves a waiting interaction to another queue (the gateway's assignment change). */
  requeue(id: string, queueId: string): Interaction {
    const interaction = this.get(id);
    const queue = this.queue(queueId);
    if (interaction.state !== 'queued') {
      throw new DomainError('invalid-state', `Only a queued interaction can change queue (it is ${interaction.state})`);
    }
    const from = interaction.queueId;
    interaction.queueId = queue.id;
    interaction.queuedAt = Date.now();
    interaction.seq = ++this.seq;
    interaction.announcedPosition = null;
    this.emit({ type: 'queued', interaction, queue, first: false });
    this.announcePositions(from);
    this.announcePositions(queue.id);
    return interaction;
  }

  agentLeave(id: string): Interaction {
    const interaction = this.get(id);
    if (interaction.state !== 'active' || !interaction.agent) {
      throw new DomainError('invalid-state', `No agent is connected to interaction ${id}`);
    }
    this.removeAgent(interaction, false);
    this.end(interaction, 'agent');
    return interaction;
  }

  customerLeave(id: string, reason: Extract<EndReason, 'customer' | 'timeout'>): Interaction {
    const interaction = this.get(id);
    this.assertOpen(interaction);
    const wasQueued = interaction.state === 'queued';
    if (reason === 'timeout') {
      this.append(interaction, { type: 'Notice', from: SYSTEM, text: 'The chat ended because the customer was inactive.' });
    }
    this.append(interaction, { type: 'ParticipantLeft', from: interaction.customerParticipant });
    this.end(interaction, reason);
    if (wasQueued) this.announcePositions(interaction.queueId);
    return interaction;
  }

  /** 1-based place in its queue, or null when not queued. */
  position(interaction: Interaction): number | null {
    if (interaction.state !== 'queued') return null;
    return this.waiting(interaction.queueId).indexOf(interaction) + 1;
  }

  waiting(queueId: string): Interaction[] {
    return [...this.interactions.values()].filter((i) => i.state === 'queued' && i.queueId === queueId).sort((a, b) => a.queuedAt - b.queuedAt || a.seq - b.seq);
  }

  clear(): void {
    this.interactions.clear();
    this.agents.clear();
  }

  private end(interaction: Interaction, reason: EndReason): void {
    interaction.state = 'ended';
    interaction.endedAt = Date.now();
    interaction.endedReason = reason;
    interaction.typing = { customer: false, agent: false };
    this.emit({ type: 'ended', interaction, reason });
  }

  private removeAgent(interaction: Interaction, transfer: boolean): void {
    const agent = interaction.agent!;
    if (interaction.typing.agent) this.setTyping(interaction.id, 'agent', false);
    this.append(interaction, { type: 'ParticipantLeft', from: this.agentParticipant(agent) });
    interaction.agent = null;
    this.emit({ type: 'agent-left', interaction, agent, transfer });
  }

  /** Tells each waiting customer of that queue its place, when it changed since last told. */
  private announcePositions(queueId: string): void {
    this.waiting(queueId).forEach((interaction, i) => {
      const position = i + 1;
      if (interaction.announcedPosition === position) return;
      interaction.announcedPosition = position;
      this.append(interaction, {
        type: 'Notice',
        from: SYSTEM,
        text: `You are number ${position} in the queue.`,
        notice: { queuePosition: position },
      });
    });
  }

  private assertOpen(interaction: Interaction): void {
    if (interaction.state === 'ended') {
      throw new DomainError('invalid-state', `Interaction ${interaction.id} has ended`);
    }
  }

  private agentParticipant(agent: Agent): Participant {
    return { nickname: agent.name, participantId: agent.participantId, type: 'Agent' };
  }

  private append(interaction: Interaction, entry: Omit<Entry, 'index' | 'utcTime'>): Entry {
    const full: Entry = { ...entry, index: interaction.transcript.length + 1, utcTime: Date.now() };
    interaction.transcript.push(full);
    for (const listener of this.entryListeners) listener(interaction.id);
    return full;
  }
}
