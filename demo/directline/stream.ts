// The WebSocket stream: GET /v3/directline/conversations/{id}/stream?t=…[&watermark=…], the URL a
// start or reconnect answered with (preauthorized by its short-lived `t`: no Authorization header).
// It first sends what was stored after the watermark, then every new activity as an ActivitySet
// `{ activities, watermark }` (typing without a watermark), and an empty message every
// DIRECTLINE_HEARTBEAT_S so that clients and proxies see it is alive. What a client sends on it
// (botframework-directlinejs pings with empty messages) is ignored: activities are posted over HTTP.
//
// The upgrade is taken from the HTTP server directly with `ws` (not through a Fastify route), and a
// refused one is answered as HTTP with Direct Line's error body before any upgrade.
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { DirectLine } from './context';
import { PAGE, parseWatermark, type ActivitySet, type Conversation } from './conversations';
import { DirectLineError, errorBody } from './errors';

const PATH = /^\/v3\/directline\/conversations\/([^/]+)\/stream$/;
/** A client that lets this much pile up unread is cut off; it resumes from its watermark. */
const MAX_BUFFERED = 4 * 1024 * 1024;

export interface StreamOptions {
  dl: DirectLine;
  /** Told of every stream request and how it was answered (101 or the refusal), for the request log. */
  record?: (entry: { path: string; status: number }) => void;
}

function refuse(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify(errorBody(code, message));
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' }[status] ?? 'Error';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export function installStream(app: FastifyInstance, opts: StreamOptions): void {
  const { dl } = opts;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

  /** The conversation the request may stream, or why not. */
  function admit(request: IncomingMessage): { conversation: Conversation; watermark: string | undefined } {
    const url = new URL(request.url ?? '/', 'http://directline.invalid');
    const match = PATH.exec(url.pathname);
    if (!match) throw new DirectLineError('NotFound', 'Only conversation streams are WebSockets here');
    if (!dl.streams.enabled) throw new DirectLineError('ServiceUnavailable', 'WebSocket streams are switched off');
    const t = url.searchParams.get('t');
    if (!t) throw new DirectLineError('Unauthorized', 'The stream URL needs its "t"');
    const claims = dl.tokens.verify(t, 'stream');
    const conversationId = decodeURIComponent(match[1]!);
    if (claims.conv !== conversationId) throw new DirectLineError('Forbidden', 'The stream token is not valid for this conversation');
    const watermark = url.searchParams.get('watermark') ?? undefined;
    parseWatermark(watermark);
    return { conversation: dl.conversations.get(conversationId), watermark };
  }

  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '/').split('?')[0]!;
    let admitted;
    try {
      admitted = admit(request);
    } catch (error) {
      const e = error instanceof DirectLineError ? error : new DirectLineError('ServiceError', 'Internal error');
      opts.record?.({ path, status: e.status });
      return refuse(socket, e.status, e.code, e.message);
    }
    opts.record?.({ path, status: 101 });
    wss.handleUpgrade(request, socket, head, (ws) => open(ws, admitted.conversation, admitted.watermark));
  });

  function open(socket: WebSocket, conversation: Conversation, watermark: string | undefined): void {
    const send = (set: ActivitySet) => {
      if (socket.readyState !== socket.OPEN) return;
      if (socket.bufferedAmount > MAX_BUFFERED) return socket.terminate();
      socket.send(JSON.stringify(set));
    };
    dl.streams.claim(conversation.id, socket);
    // Backlog and subscription in the same turn: nothing appended in between can be missed.
    let from = watermark;
    for (;;) {
      const page = conversation.after(from, PAGE);
      if (page.activities.length === 0) break;
      send(page);
      from = page.watermark;
    }
    const unsubscribe = conversation.subscribe(send);
    const heartbeat = setInterval(() => {
      if (socket.readyState === socket.OPEN) socket.send('');
    }, dl.config.heartbeatS * 1000);
    socket.on('message', () => undefined);
    const end = () => {
      clearInterval(heartbeat);
      unsubscribe();
      dl.streams.release(conversation.id, socket);
    };
    socket.on('close', end);
    socket.on('error', end);
  }

  // A plain GET of a stream URL (no upgrade) is told what it is.
  app.get('/v3/directline/conversations/:conversationId/stream', async () => {
    throw new DirectLineError('BadArgument', 'The stream is a WebSocket: connect with an Upgrade request');
  });
  // Before the server closes: it waits for its connections, the upgraded ones included.
  app.addHook('preClose', async () => {
    for (const client of wss.clients) client.terminate();
    wss.close();
  });
}
