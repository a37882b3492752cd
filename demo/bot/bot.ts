// The demo FAQ bot, on the real botbuilder SDK. It answers a few questions; on "agent"/"human", or
// after two turns it cannot answer, it asks its channel for a human with the Bot Framework
// handoff.initiate event (a context value and the transcript); handoff.status tells it how that went.
import { ActivityHandler, ConversationState, EventFactory, MemoryStorage, MessageFactory, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import { EMAIL } from '../../bot-bridge/customer-chat-api/wire';
import { AGENT_REQUEST, MENU, answer, orderNumber, orderStatus } from './faq';

interface Said {
  type: 'message';
  from: { role: 'user' | 'bot' };
  text: string;
  timestamp: string;
}

interface State {
  /** Turns in a row the bot could not answer. */
  misses: number;
  expectOrderNumber: boolean;
  lastOrder: string | null;
  /** What was said, handed over with the conversation. */
  transcript: Said[];
  handingOver: boolean;
  /** Collecting a message for when no agent is there. */
  leaveMessage: null | { step: 'email' } | { step: 'message'; email: string };
}

const fresh = (): State => ({ misses: 0, expectOrderNumber: false, lastOrder: null, transcript: [], handingOver: false, leaveMessage: null });

export class FaqBot extends ActivityHandler {
  private readonly state: StatePropertyAccessor<State>;

  constructor(private readonly conversations = new ConversationState(new MemoryStorage())) {
    super();
    this.state = conversations.createProperty<State>('faq');

    this.onMembersAdded(async (context, next) => {
      for (const member of context.activity.membersAdded ?? []) {
        if (member.id === context.activity.recipient.id) continue;
        const name = member.name ? ` ${member.name}` : '';
        await this.say(
          context,
          `Hi${name}! I am the shop's assistant. I can tell you our opening hours, check an order or explain returns. Type "agent" at any time to talk to a person.`,
          MENU,
        );
      }
      await next();
    });

    this.onMessage(async (context, next) => {
      await this.onText(context, (context.activity.text ?? '').trim());
      await next();
    });

    this.onEvent(async (context, next) => {
      if (context.activity.name === 'handoff.status') await this.onHandoffStatus(context);
      await next();
    });

    this.onEndOfConversation(async (context, next) => {
      await this.state.set(context, fresh());
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.conversations.saveChanges(context, false);
  }

  private async get(context: TurnContext): Promise<State> {
    return this.state.get(context, fresh());
  }

  private async say(context: TurnContext, text: string, suggestions?: string[]): Promise<void> {
    const state = await this.get(context);
    state.transcript.push({ type: 'message', from: { role: 'bot' }, text, timestamp: new Date().toISOString() });
    await context.sendActivity(suggestions?.length ? MessageFactory.suggestedActions(suggestions, text) : MessageFactory.text(text));
  }

  private async onText(context: TurnContext, text: string): Promise<void> {
    const state = await this.get(context);
    if (!text) return;
    state.transcript.push({ type: 'message', from: { role: 'user' }, text, timestamp: new Date().toISOString() });

    if (state.leaveMessage) return this.collectMessage(context, state, text);
    if (/^leave a message$/i.test(text)) {
      state.leaveMessage = { step: 'email' };
      return this.say(context, 'Sure. What e-mail address should we answer to?');
    }
    if (/^no,? thanks?$/i.test(text)) return this.say(context, 'All right. Anything else I can help with?', MENU);
    if (AGENT_REQUEST.test(text)) return this.handOver(context, state, 'The customer asked for an agent');

    const order = state.expectOrderNumber ? orderNumber(text) : null;
    if (order) {
      state.expectOrderNumber = false;
      state.lastOrder = order;
      state.misses = 0;
      return this.say(context, orderStatus(order), ['Returns', 'Talk to an agent']);
    }
    const found = answer(text);
    if (found) {
      state.misses = 0;
      state.expectOrderNumber = !!found.expectOrderNumber;
      return this.say(context, found.text, found.suggestions);
    }
    state.misses += 1;
    if (state.misses >= 2) return this.handOver(context, state, 'The bot could not answer', text);
    return this.say(context, 'Sorry, I did not get that. I can help with these — or type "agent" to talk to a person.', MENU);
  }

  private async handOver(context: TurnContext, state: State, reason: string, lastQuestion?: string): Promise<void> {
    state.misses = 0;
    state.handingOver = true;
    await this.say(context, 'Let me get you a person from our team. One moment, please.');
    const handoffContext: Record<string, string> = { Reason: reason };
    if (lastQuestion) handoffContext['Last question'] = lastQuestion;
    if (state.lastOrder) handoffContext['Order number'] = state.lastOrder;
    // The transcript holds only what an agent reads (who said what), not whole activities.
    await context.sendActivity(EventFactory.createHandoffInitiation(context, handoffContext, { activities: state.transcript as never }));
  }

  private async onHandoffStatus(context: TurnContext): Promise<void> {
    const state = await this.get(context);
    const value = (context.activity.value ?? {}) as { state?: string; message?: string };
    if (value.state === 'accepted') return;
    state.handingOver = false;
    if (value.state === 'failed') {
      const why =
        value.message === 'closed' ? 'Our team is not at work right now.' : value.message === 'no-agents' ? 'All our agents are busy right now.' : 'I could not reach our team.';
      return this.say(context, `${why} Would you like to leave a message? We will answer by e-mail.`, ['Leave a message', 'No thanks']);
    }
    if (value.state === 'completed') {
      state.transcript = [];
      return this.say(context, 'Welcome back! Is there anything else I can help you with?', MENU);
    }
  }

  private async collectMessage(context: TurnContext, state: State, text: string): Promise<void> {
    const step = state.leaveMessage!;
    if (step.step === 'email') {
      if (!EMAIL.test(text)) return this.say(context, 'That does not look like an e-mail address. Could you type it again?');
      state.leaveMessage = { step: 'message', email: text };
      return this.say(context, 'Thanks. What would you like to tell us?');
    }
    state.leaveMessage = null;
    const saved = await leaveOfflineMessage(context, { email: step.email, message: text });
    return this.say(context, saved ? `Thank you! We will answer at ${step.email} as soon as we can.` : 'Sorry, I could not save your message. Please try again later.', MENU);
  }
}

/**
 * Leaves the message with the channel's offline-message store: the Parley bridge serves the
 * Customer Chat API next to its Bot Connector endpoint, so the serviceUrl tells where (without
 * the chat's own `bot/{token}/` part the bridge puts in it).
 */
async function leaveOfflineMessage(context: TurnContext, fields: { email: string; message: string }): Promise<boolean> {
  const data = (context.activity.channelData ?? {}) as { contactCenterId?: string };
  if (!data.contactCenterId || !context.activity.serviceUrl) return false;
  try {
    const base = context.activity.serviceUrl.replace(/bot\/[\w-]+\/$/, '');
    const response = await fetch(new URL('api/v2/offline-messages', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ContactCenterId: data.contactCenterId },
      body: JSON.stringify({ fields: { name: context.activity.from.name ?? '', ...fields }, userData: { 'Left with': 'the demo bot' } }),
      signal: AbortSignal.timeout(5000),
    });
    return response.ok;
  } catch {
    return false;
  }
}
