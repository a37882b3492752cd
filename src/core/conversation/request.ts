// The chat request: claimed in the shared state first, so that two tabs (or two clicks) never start
// two chats, then RequestChat; a chat ended or given up on while the request was on its way is
// completed on the server as soon as its id arrives.
import { isChatRequestError, type ChatApiClient } from '../client';
import type { Shared } from '../shared';
import { isActive } from '../types';
import type { Ending } from './ending';
import type { LostRequests } from './lost-requests';
import { systemLine } from './system-line';

export interface ChatRequest {
  nickname: string;
  subject?: string | undefined;
  endpoint?: string | undefined;
  userData: Record<string, unknown>;
  startedBy: 'user' | 'chat-api';
}

export interface RequestDeps {
  client: ChatApiClient;
  shared: Shared;
  lost: LostRequests;
  end: Ending['end'];
  newId(): string;
  /** Waits (cut short when the widget goes away). */
  sleep(ms: number): Promise<void>;
}

/** Refusals by the server's limits waited out silently before the customer is told (each at most 30 s). */
const RATE_LIMIT_RETRIES = 3;

/** Asks for a chat; resolves with its id, or null when another tab or request got there first. */
export function createRequest({ client, shared, lost, end, newId, sleep }: RequestDeps) {
  // A chat refused for now (429) is asked for again after the Retry-After: nothing was made yet.
  async function requestChat(request: ChatRequest): Promise<{ id: string }> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await client.requestChat({ nickname: request.nickname, subject: request.subject, endpoint: request.endpoint, userData: request.userData });
      } catch (error) {
        const wait = isChatRequestError(error) && error.rateLimited ? (error.retryAfterMs ?? 1000) : Infinity;
        if (attempt >= RATE_LIMIT_RETRIES || wait > 30_000) throw error;
        await sleep(Math.max(wait, 250));
      }
    }
  }

  return async function request(request: ChatRequest): Promise<string | null> {
    const requestId = newId();
    // Known as ours before the state shows it, so no timer here takes it for lost.
    lost.waiting.add(requestId);
    await shared.allowPersist();
    const claimed = await shared.commit((s) =>
      isActive(s.chat)
        ? s
        : {
            ...s,
            chat: {
              id: null,
              requestId,
              status: 'requesting',
              lastIndex: 0,
              agent: null,
              agentsSeen: 0,
              queuePosition: null,
              startedAt: Date.now(),
              startedBy: request.startedBy,
              ending: null,
              endReason: null,
            },
            transcript: [],
            typing: null,
            connection: 'ok',
          },
    );
    if (claimed.chat?.requestId !== requestId) {
      lost.waiting.delete(requestId);
      return null;
    }
    try {
      const { id } = await requestChat(request);
      const after = await shared.commit((s) =>
        s.chat?.requestId === requestId && s.chat.status === 'requesting'
          ? { ...s, chat: { ...s.chat, id, status: 'queued' }, transcript: [...s.transcript, systemLine('chatQueued')] }
          : s,
      );
      const ours = after.chat?.requestId === requestId && after.chat.id === id;
      // Ended while the request was on its way: end it on the server too.
      if (ours && after.chat!.ending) await end(after.chat!.ending);
      // Given up on meanwhile (another tab took it for lost): nobody will use this chat.
      if (!ours) await client.complete(id).catch(() => undefined);
      return ours ? id : null;
    } catch (error) {
      await lost.fail(requestId, isChatRequestError(error) && error.transient ? 'errorServerUnavailable' : 'errorInvalidLogin');
      throw error;
    } finally {
      lost.waiting.delete(requestId);
    }
  };
}
