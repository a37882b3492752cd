import { randomBytes } from 'node:crypto';
import { put } from '../../../bot-bridge/customer-chat-api';
import { readGatewayCards, toGatewayCard, type GatewayCard } from '../cards';
import type { ContactCenter, ContactCenterEvent, FileRef, HistoryMessage } from '../core';
import type { FileStore } from '../files';
import type { WebhookDelivery, WebhookEvent } from './delivery';
import { conflict, notFound } from './problems';

export const WEBHOOK_VERSION = 'Chat Gateway v1.0';

export interface Webhook {
  id: string;
  name: string;
  uri: string;
  version: string;
}

export interface Channel {
  id: string;
  name: string;
  type: string;
  webHookId: string;
  routingOptions: { type: 'queue'; id: string };
}

export interface GatewayUser {
  name?: string;
  email?: string;
  phone?: string;
  userId?: string;
  company?: string;
  caseId?: string;
  language?: string;
  additionalProperties?: { key: string; value: string }[];
}

export type AuthorType = 'user' | 'bot' | 'agent' | 'system';

export interface GatewayMessage {
  id: string;
  text: string;
  createdAt: string;
  author: { id: string; removed: boolean; type: AuthorType; language: string };
  cards?: GatewayCard[];
  attachments?: { id: string }[];
}

/** A history message as the channel posted it (its cards too; files cannot exist before the conversation). */
export interface GatewayHistoryMessage {
  authorType: 'user' | 'bot';
  text: string;
  cards?: GatewayCard[];
}

/** How a MESSAGE webhook names a file: a link the receiver can fetch without the API key, for a while. */
export interface WebhookAttachment {
  id: string;
  type: string;
  preSignedUrl: string;
  fileName: string;
}

export interface GatewayParticipant {
  id: string;
  type: AuthorType;
  removed: boolean;
  language: string;
  /** Not in the vendor's schema: the emulator adds the agent's display name. */
  name?: string;
}

export interface PostAgentAssignment {
  type: 'webhook';
  id: string;
  configuration?: { notifyChannelWebhookIfExists?: string | undefined; maxTotalMinutes?: number | undefined; userTimeoutInMinutes?: number | undefined };
}

export interface Conversation {
  id: string;
  state: 'created' | 'active' | 'idle';
  channelId: string;
  user: GatewayUser;
  assignment: { type: 'queue' | 'script' | 'agent'; id: string };
  createdAt: string;
  messages: GatewayMessage[];
  participants: GatewayParticipant[];
  interactions: { id: string; startTime: string; endTime: string | null }[];
  postAgentAssignment: PostAgentAssignment | null;
}

const newId = () => randomBytes(16).toString('base64url');

/**
 * The Chat Gateway's objects (webhooks, channels, conversations) and the webhook events that the
 * shared contact center's events become for conversations that came through the gateway.
 */
export class Gateway {
  readonly webhooks = new Map<string, Webhook>();
  readonly channels = new Map<string, Channel>();
  readonly conversations = new Map<string, Conversation>();
  private readonly expiry = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly cc: ContactCenter,
    private readonly delivery: WebhookDelivery,
    private readonly files: FileStore,
    /** The emulator's origin, for preSignedUrl links. */
    private readonly publicUrl: () => string,
  ) {
    cc.on((event) => this.onContactCenterEvent(event));
  }

  newId = newId;

  conversation(id: string): Conversation {
    const conversation = this.conversations.get(id);
    if (!conversation) throw notFound('Conversation', id);
    return conversation;
  }

  openConversation(conversation: Conversation, posted: GatewayHistoryMessage[]): void {
    this.conversations.set(conversation.id, conversation);
    const user = conversation.user;
    this.participant(conversation, { id: user.userId || 'user', type: 'user', language: user.language || 'en' });
    const history: HistoryMessage[] = [];
    for (const message of posted) {
      this.record(conversation, message.authorType, message.text, message.cards);
      const cards = message.cards?.length ? readGatewayCards(message.cards).cards : [];
      history.push({ authorType: message.authorType, text: message.text, ...(cards.length ? { cards } : {}) });
    }
    this.emit(conversation, 'CONVERSATION_UPDATE', this.updateData(conversation));
    const userData: Record<string, string> = {};
    for (const { key, value } of user.additionalProperties ?? []) put(userData, key, value);
    const customer: Record<string, string> = {};
    for (const key of ['email', 'phone', 'userId', 'company', 'caseId', 'language'] as const) {
      if (user[key]) customer[key] = user[key]!;
    }
    this.cc.open({
      source: 'chat-gateway',
      id: conversation.id,
      contactCenterId: 'gateway',
      queueId: conversation.assignment.id,
      customerName: user.name || 'Customer',
      customer,
      userData,
      history,
    });
  }

  /** A message the channel (the bridge) posts for the user or the bot, with its cards and files. */
  post(conversation: Conversation, authorType: 'user' | 'bot', text: string, cards: GatewayCard[] = [], attachments: FileRef[] = []): void {
    if (conversation.state === 'idle') throw conflict(`Conversation ${conversation.id} is idle`);
    const interaction = this.cc.interactions.get(conversation.id);
    if (interaction && interaction.state !== 'ended') {
      // The agent reads the cards in the card model; the channel's own form is kept and echoed.
      const read = readGatewayCards(cards);
      this.cc.say(conversation.id, authorType === 'user' ? 'customer' : 'bot', text, {
        cards: read.cards,
        quickReplies: read.quickReplies,
        attachments,
        gatewayCards: cards,
      });
    } else {
      // Back with the bot after the agent: nobody in the contact center reads it, but it is kept.
      this.record(conversation, authorType, text, cards, undefined, attachments);
      this.emit(conversation, 'MESSAGE', {
        isEcho: true,
        sender: { id: this.senderId(conversation, authorType), type: authorType },
        text,
        ...this.rich(cards, attachments),
      });
    }
  }

  /** A conversation's file, as a MESSAGE webhook names it (a fresh, expiring link). */
  webhookAttachment(file: FileRef): WebhookAttachment {
    return { id: file.id, type: file.contentType, preSignedUrl: `${this.publicUrl()}${this.files.link(file.id)}`, fileName: file.name };
  }

  userLeaves(conversation: Conversation): void {
    if (conversation.state === 'idle') return;
    const interaction = this.cc.interactions.get(conversation.id);
    if (interaction && interaction.state !== 'ended') {
      this.cc.customerLeave(conversation.id, 'customer');
    } else {
      this.markUserLeft(conversation);
      this.idle(conversation);
    }
  }

  setPostAgentAssignment(conversation: Conversation, assignment: PostAgentAssignment): void {
    if (conversation.state === 'idle') throw conflict(`Conversation ${conversation.id} is idle`);
    conversation.postAgentAssignment = assignment;
  }

  clear(): void {
    for (const timer of this.expiry.values()) clearTimeout(timer);
    this.expiry.clear();
    this.webhooks.clear();
    this.channels.clear();
    this.conversations.clear();
  }

  private onContactCenterEvent(event: ContactCenterEvent): void {
    const conversation = this.conversations.get(event.interaction.id);
    if (!conversation || event.interaction.source !== 'chat-gateway') return;
    const now = new Date().toISOString();
    switch (event.type) {
      case 'queued': {
        conversation.state = 'active';
        conversation.assignment = { type: 'queue', id: event.queue.id };
        if (event.first) conversation.interactions.push({ id: `int-${conversation.id}`, startTime: now, endTime: null });
        this.emit(conversation, 'CONVERSATION_UPDATE', this.updateData(conversation));
        this.emit(conversation, 'QUEUED', { queueId: event.queue.id, queueName: event.queue.name });
        break;
      }
      case 'agent-joined':
        this.participant(conversation, { id: event.agent.id, type: 'agent', language: 'en', name: event.agent.name });
        conversation.assignment = { type: 'agent', id: event.agent.id };
        this.emit(conversation, 'CONVERSATION_UPDATE', this.updateData(conversation));
        this.emit(conversation, 'MEMBERS_CHANGED', { memberType: 'agent', change: 'joined', id: event.agent.id });
        break;
      case 'agent-left':
        for (const p of conversation.participants) if (p.type === 'agent' && p.id === event.agent.id) p.removed = true;
        this.emit(conversation, 'MEMBERS_CHANGED', { memberType: 'agent', change: 'left', id: event.agent.id });
        break;
      case 'transfer':
        this.emit(conversation, 'TRANSFER');
        break;
      case 'message': {
        const type = event.author === 'customer' ? 'user' : event.author;
        const sender = { id: type === 'agent' ? event.agent!.id : this.senderId(conversation, type), type };
        // The channel's cards as it posted them; an agent's cards (the card model) as Adaptive Cards.
        const cards = type === 'agent' ? (event.extras.cards ?? []).map(toGatewayCard) : ((event.extras.gatewayCards ?? []) as GatewayCard[]);
        const attachments = event.extras.attachments ?? [];
        this.record(conversation, type, event.text, cards, sender.id, attachments);
        this.emit(conversation, 'MESSAGE', { isEcho: type !== 'agent', sender, text: event.text, ...this.rich(cards, attachments) });
        break;
      }
      case 'typing':
        if (event.author === 'agent') {
          this.emit(conversation, 'ACTIVITY', {
            name: 'typing',
            value: { users: event.typing ? [{ id: event.agent!.id, type: 'agent' }] : [] },
          });
        }
        break;
      case 'ended':
        for (const i of conversation.interactions) i.endTime ??= now;
        if (event.reason === 'agent' && conversation.postAgentAssignment) {
          this.returnToBot(conversation, conversation.postAgentAssignment);
        } else {
          if (event.reason !== 'agent') this.markUserLeft(conversation);
          this.idle(conversation);
        }
        break;
    }
  }

  private returnToBot(conversation: Conversation, assignment: PostAgentAssignment): void {
    conversation.assignment = { type: 'script', id: assignment.id };
    this.emit(conversation, 'CONVERSATION_UPDATE', this.updateData(conversation));
    const minutes = assignment.configuration?.maxTotalMinutes ?? 20;
    const timer = setTimeout(() => this.idle(conversation), minutes * 60_000);
    timer.unref();
    this.expiry.set(conversation.id, timer);
  }

  private markUserLeft(conversation: Conversation): void {
    const user = conversation.participants.find((p) => p.type === 'user');
    if (!user || user.removed) return;
    user.removed = true;
    this.emit(conversation, 'MEMBERS_CHANGED', { memberType: 'user', change: 'left', id: user.id });
  }

  private idle(conversation: Conversation): void {
    if (conversation.state === 'idle') return;
    clearTimeout(this.expiry.get(conversation.id));
    this.expiry.delete(conversation.id);
    conversation.state = 'idle';
    this.emit(conversation, 'CONVERSATION_UPDATE', this.updateData(conversation));
  }

  private participant(conversation: Conversation, p: Omit<GatewayParticipant, 'removed'>): void {
    const existing = conversation.participants.find((q) => q.id === p.id && q.type === p.type);
    if (existing) existing.removed = false;
    else conversation.participants.push({ ...p, removed: false });
  }

  private senderId(conversation: Conversation, type: AuthorType): string {
    return type === 'user' ? conversation.user.userId || 'user' : type;
  }

  private record(conversation: Conversation, type: AuthorType, text: string, cards?: GatewayCard[], authorId?: string, attachments: FileRef[] = []): void {
    const id = authorId ?? this.senderId(conversation, type);
    conversation.messages.push({
      id: newId(),
      text,
      createdAt: new Date().toISOString(),
      author: { id, removed: false, type, language: conversation.user.language || 'en' },
      ...(cards?.length ? { cards } : {}),
      ...(attachments.length ? { attachments: attachments.map((file) => ({ id: file.id })) } : {}),
    });
  }

  /** A MESSAGE webhook's cards and files, when it has some (plain texts stay as they were). */
  private rich(cards: GatewayCard[], attachments: FileRef[]): { cards?: GatewayCard[]; attachments?: WebhookAttachment[] } {
    return {
      ...(attachments.length ? { attachments: attachments.map((file) => this.webhookAttachment(file)) } : {}),
      ...(cards.length ? { cards } : {}),
    };
  }

  private updateData(conversation: Conversation) {
    return { state: conversation.state, assignment: conversation.assignment, user: conversation.user, channel: 'ChatAPI' };
  }

  private emit(conversation: Conversation, eventType: string, data?: unknown): void {
    const channel = this.channels.get(conversation.channelId);
    const webhook = channel && this.webhooks.get(channel.webHookId);
    if (!webhook) return;
    const event: WebhookEvent = { eventType, conversationId: conversation.id, timestamp: Date.now() };
    if (data !== undefined) event.data = data;
    void this.delivery.send(webhook.uri, event);
  }
}
