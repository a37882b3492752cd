// What the service's parts share, built once in app.ts, and the rule every conversation route uses
// to decide whether a caller may touch a conversation.
import type { FastifyBaseLogger } from 'fastify';
import type { BotConnector } from './connector';
import type { DirectLineConfig } from './config';
import type { Conversation, ConversationStore } from './conversations';
import { DirectLineError } from './errors';
import type { FileStore } from './files';
import type { StreamHub } from './stream-hub';
import type { Auth, Tokens } from './tokens';

export interface DirectLine {
  config: DirectLineConfig;
  /** Where clients and the bot reach this service, without a trailing slash. */
  publicUrl(): string;
  tokens: Tokens;
  conversations: ConversationStore;
  files: FileStore;
  bot: BotConnector;
  streams: StreamHub;
  log: FastifyBaseLogger;
  now(): number;
}

/** The conversation, if the caller holds the secret or a live token for this very conversation. */
export function conversationFor(dl: DirectLine, auth: Auth, conversationId: string): Conversation {
  if (auth.kind === 'token' && auth.claims.conv !== conversationId) throw new DirectLineError('Forbidden', 'The token is not valid for this conversation');
  const conversation = dl.conversations.get(conversationId);
  if (auth.kind === 'token' && auth.claims.iat < conversation.tokensValidFrom) throw new DirectLineError('TokenExpired', 'Token expired');
  return conversation;
}

/** A streamUrl: the stream of this conversation, from a watermark, opened by a short-lived `t`. */
export function streamUrlOf(dl: DirectLine, conversation: Conversation, watermark?: string): string {
  const base = dl.publicUrl().replace(/^http/, 'ws');
  const query = new URLSearchParams();
  if (watermark) query.set('watermark', watermark);
  query.set('t', dl.tokens.streamToken(conversation.id));
  return `${base}/v3/directline/conversations/${encodeURIComponent(conversation.id)}/stream?${query}`;
}
