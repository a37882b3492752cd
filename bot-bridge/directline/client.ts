// The Direct Line client: one per bridge process, one conversation per customer chat. The secret
// stays here: it generates a token for each new conversation (POST /tokens/generate, with the
// customer's user id bound into it) and recovers a conversation after a restart or an expired
// token; everything else goes with that conversation's token.
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { DirectLineConversation, type ConversationInfo } from './conversation';
import { DirectLineClientError, isDirectLineClientError } from './errors';
import { Http } from './http';
import type { DirectLineClientOptions, ResumeState, Settings } from './types';

export interface StartInput {
  /** The customer as the bot sees them. Without an id, a fresh `dl_…` one (reserved for ids bound in a token). */
  user?: { id?: string; name?: string };
  locale?: string;
  /** Continue this conversation instead of starting one (after a restart, or on another replica). */
  resume?: ResumeState;
}

export type SecretCheck = { ok: true } | { ok: false; reason: 'refused' | 'unreachable' | 'error'; detail: string };

export interface DirectLineClient {
  /** A new conversation (the bot hears conversationUpdate), or the one in `resume`. */
  start(input?: StartInput): Promise<DirectLineConversation>;
  /** Whether Direct Line accepts the secret (it generates a token: call it at start and rarely, not per probe). */
  checkSecret(): Promise<SecretCheck>;
}

export const DEFAULT_DIRECT_LINE_URL = 'https://directline.botframework.com';

function settingsOf(options: DirectLineClientOptions): Settings {
  if (!/^https?:\/\//.test(options.url)) throw new Error('The Direct Line URL must be http(s)');
  if (!options.secret) throw new Error('A Direct Line secret is needed');
  return {
    url: options.url.replace(/\/+$/, '').replace(/\/v3\/directline$/, ''),
    secret: options.secret,
    log: options.log,
    fetch: options.fetch ?? fetch,
    WebSocket: options.WebSocket ?? WebSocket,
    webSocket: options.webSocket ?? true,
    requestTimeoutMs: options.requestTimeoutMs ?? 20_000,
    maxAttempts: options.maxAttempts ?? 5,
    retryBaseMs: options.retryBaseMs ?? 500,
    retryMaxMs: options.retryMaxMs ?? 30_000,
    refreshAt: Math.min(0.9, Math.max(0.1, options.refreshAt ?? 0.5)),
    pollIntervalMs: Math.max(200, options.pollIntervalMs ?? 1000),
    streamFailuresBeforePolling: options.streamFailuresBeforePolling ?? 3,
    streamRetryMs: options.streamRetryMs ?? 60_000,
    pingIntervalMs: options.pingIntervalMs ?? 15_000,
    livenessTimeoutMs: options.livenessTimeoutMs ?? 45_000,
    random: options.random ?? Math.random,
  } as Settings;
}

export function createDirectLineClient(options: DirectLineClientOptions): DirectLineClient {
  const settings = settingsOf(options);
  const http = new Http(settings);
  const secret = () => settings.secret;

  async function start(input: StartInput = {}): Promise<DirectLineConversation> {
    if (input.resume) {
      const conversation = new DirectLineConversation(settings, http, { ...input.resume, userName: input.user?.name });
      await conversation.recover();
      return conversation;
    }
    const user = { id: input.user?.id || `dl_${randomUUID()}`, ...(input.user?.name ? { name: input.user.name } : {}) };
    const generated = await http.call<ConversationInfo>({ method: 'POST', path: '/tokens/generate', route: 'POST /tokens/generate', bearer: secret, json: { user }, kind: 'read' });
    if (!generated.body?.token || !generated.body.conversationId) throw new DirectLineClientError('rejected', 'Direct Line answered tokens/generate without a token');
    const token = generated.body.token;
    // Starting with the token is safe to repeat: a second start answers 200 with the same conversation.
    const started = await http.call<ConversationInfo>({
      method: 'POST',
      path: '/conversations',
      route: 'POST /conversations',
      bearer: () => token,
      json: { user, ...(input.locale ? { locale: input.locale } : {}) },
      kind: 'read',
      conversation: generated.body.conversationId.slice(0, 8),
    });
    const info: ConversationInfo = { ...started.body, token: started.body?.token ?? token, expires_in: started.body?.expires_in ?? generated.body.expires_in ?? 1800 };
    const conversation = new DirectLineConversation(settings, http, {
      conversationId: info.conversationId || generated.body.conversationId,
      userId: user.id,
      userName: user.name,
      watermark: null,
    });
    conversation.accept(info);
    return conversation;
  }

  async function checkSecret(): Promise<SecretCheck> {
    try {
      await http.call({ method: 'POST', path: '/tokens/generate', route: 'POST /tokens/generate', bearer: secret, json: {}, kind: 'read' });
      return { ok: true };
    } catch (error) {
      if (isDirectLineClientError(error) && error.kind === 'refused') return { ok: false, reason: 'refused', detail: 'Direct Line refused the secret (DIRECT_LINE_SECRET)' };
      if (isDirectLineClientError(error) && error.kind === 'unavailable') return { ok: false, reason: 'unreachable', detail: error.message };
      return { ok: false, reason: 'error', detail: (error as Error).message };
    }
  }

  return { start, checkSecret };
}
