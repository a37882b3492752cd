// The shapes that cross the client's edge: Direct Line activities and sets, the state a caller
// keeps to resume a conversation, and the client's options.
import type { WebSocket as WsWebSocket } from 'ws';

/** A Bot Framework activity as Direct Line carries it (only what the client itself reads is typed). */
export interface DirectLineActivity {
  type: string;
  id?: string;
  timestamp?: string;
  from?: { id: string; name?: string; role?: string };
  text?: string;
  channelData?: Record<string, unknown> & { clientActivityID?: string };
  [key: string]: unknown;
}

/** What the stream sends and GET …/activities answers. */
export interface ActivitySet {
  activities: DirectLineActivity[];
  watermark?: string;
}

/**
 * Activities the bot sent, in order, with the watermark after them: persist it with what the
 * activities did, and resume from it. `null` for a set of unstored activities only (typing).
 */
export interface ActivityBatch {
  activities: DirectLineActivity[];
  watermark: string | null;
}

/** Enough to pick a conversation up again after a restart, on any replica: no token, no secret. */
export interface ResumeState {
  conversationId: string;
  userId: string;
  /** The watermark of the last batch the handlers took (null: from the start). */
  watermark: string | null;
}

export type ConversationStatus =
  | 'connecting'
  /** Receiving over the WebSocket stream. */
  | 'streaming'
  /** Receiving by polling GET …/activities (the stream failed or is refused). */
  | 'polling'
  /** Lost the stream; reconnecting with backoff from the watermark. */
  | 'reconnecting'
  /** Another client opened this conversation's stream (reason "collision"): this one stopped receiving. */
  | 'taken-over'
  /** The conversation is gone (404), or the secret stopped being accepted. */
  | 'failed'
  | 'closed';

export interface ClientLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface DirectLineClientOptions {
  /** The service: https://directline.botframework.com (or a regional one), or the demo's. No trailing /v3. */
  url: string;
  secret: string;
  log?: ClientLog;
  fetch?: typeof fetch;
  WebSocket?: typeof WsWebSocket;
  /** false: never open a stream, poll only. */
  webSocket?: boolean;
  /** A request with no answer after this is a failure (retried when safe). */
  requestTimeoutMs?: number;
  /** Attempts of one request on 429/5xx/network errors, the first included. */
  maxAttempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Refresh a token when this share of its lifetime has passed (Web Chat refreshes at half). */
  refreshAt?: number;
  pollIntervalMs?: number;
  /** Stream failures in a row (or one refused upgrade) before polling instead. */
  streamFailuresBeforePolling?: number;
  /** While polling, try the stream again this often. */
  streamRetryMs?: number;
  /** Ping the stream this often; no sign of life for `livenessTimeoutMs` and it is reopened. */
  pingIntervalMs?: number;
  livenessTimeoutMs?: number;
  random?: () => number;
}

export type Settings = Required<Omit<DirectLineClientOptions, 'log' | 'fetch' | 'WebSocket'>> &
  Pick<DirectLineClientOptions, 'log'> & { fetch: typeof fetch; WebSocket: typeof WsWebSocket };
