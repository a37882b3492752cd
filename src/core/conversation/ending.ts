// The end of a chat: asked for here (Complete on the server, then the end shows), or learnt from the
// server (the chat is gone, or idle), when it only shows.
import { isChatRequestError, type ChatApiClient } from '../client';
import { backoffDelay } from '../poller';
import type { Shared } from '../shared';
import { isActive, type EndReason } from '../types';
import type { Lifetime } from './lifetime';
import { systemLine } from './system-line';

/** Complete is tried this often while the server is unreachable; the chat ends here anyway. */
const COMPLETE_ATTEMPTS = 3;

export interface EndingDeps {
  client: ChatApiClient;
  shared: Shared;
  lifetime: Lifetime;
  random: () => number;
}

export interface Ending {
  /** Ends the chat on the server (Complete), then shows it as ended. */
  end(reason: EndReason): Promise<void>;
  /** Shows the chat as ended, with the system line `key`: the server has ended it already. */
  endLocally(reason: EndReason, key: string): Promise<void>;
}

export function createEnding({ client, shared, lifetime, random }: EndingDeps): Ending {
  async function endLocally(reason: EndReason, key: string): Promise<void> {
    await shared.commit((s) =>
      isActive(s.chat) ? { ...s, chat: { ...s.chat, status: 'ended', endReason: reason, agent: null }, typing: null, transcript: [...s.transcript, systemLine(key)] } : s,
    );
  }

  async function end(reason: EndReason): Promise<void> {
    const chat = shared.state.value.chat;
    if (!isActive(chat)) return;
    await shared.commit((s) => (isActive(s.chat) ? { ...s, chat: { ...s.chat, ending: reason } } : s));
    if (!chat.id) return; // still requesting: the request completes it when the id arrives
    for (let attempt = 0; attempt < COMPLETE_ATTEMPTS; attempt++) {
      try {
        await client.complete(chat.id);
        break;
      } catch (error) {
        if (!isChatRequestError(error) || !error.transient) break; // already over on the server
        await lifetime.sleep(backoffDelay(1000, attempt, 8000, random));
      }
    }
    await endLocally(reason, reason === 'chat-api' ? 'endChatNotification' : 'chatEnded');
  }

  return { end, endLocally };
}
