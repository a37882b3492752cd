// One WebSocket stream, from open to close. It hands each ActivitySet on as it comes, takes empty
// messages as Direct Line's heartbeats, and pings: a stream with no sign of life (message, heartbeat
// or pong) for livenessTimeoutMs is cut, because a dead TCP connection can stay "open" for minutes.
// The caller decides what a close means (reconnect, poll, or stop on "collision").
import type { ActivitySet, Settings } from './types';

export interface StreamEnd {
  /** The upgrade succeeded. */
  opened: boolean;
  /** How long it was open (ms). */
  lifetimeMs: number;
  /** Closed because another client opened this conversation's stream. */
  collision: boolean;
  /** The upgrade was answered with an HTTP error (e.g. 503 behind a proxy without WebSockets). */
  refusedStatus: number | null;
  why: string;
}

export interface OpenStream {
  done: Promise<StreamEnd>;
  close(): void;
}

export function openStream(settings: Settings, url: string, on: { open(): void; set(set: ActivitySet): void }): OpenStream {
  const ws = new settings.WebSocket(url, { handshakeTimeout: settings.requestTimeoutMs, maxPayload: 16 * 1024 * 1024 });
  let openedAt = 0;
  let lastSign = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let why = '';
  let resolve!: (end: StreamEnd) => void;
  const done = new Promise<StreamEnd>((r) => (resolve = r));
  let finished = false;
  const finish = (end: Omit<StreamEnd, 'opened' | 'lifetimeMs'>) => {
    if (finished) return;
    finished = true;
    clearInterval(timer);
    resolve({ ...end, opened: openedAt > 0, lifetimeMs: openedAt ? Date.now() - openedAt : 0 });
  };

  ws.on('open', () => {
    openedAt = Date.now();
    lastSign = openedAt;
    on.open();
    timer = setInterval(() => {
      if (Date.now() - lastSign > settings.livenessTimeoutMs) {
        why = 'no sign of life';
        ws.terminate();
        return;
      }
      try {
        ws.ping();
      } catch {
        // closing already: the close event follows
      }
    }, settings.pingIntervalMs);
    timer.unref();
  });
  ws.on('pong', () => (lastSign = Date.now()));
  ws.on('message', (data, isBinary) => {
    lastSign = Date.now();
    if (isBinary) return;
    const text = data.toString();
    if (!text) return; // a heartbeat
    let set: unknown;
    try {
      set = JSON.parse(text);
    } catch {
      settings.log?.warn({}, 'direct line stream sent something that is not JSON; ignored');
      return;
    }
    const activities = (set as { activities?: unknown }).activities;
    if (!Array.isArray(activities)) return; // other kinds of message, to be defined (the reference says so)
    on.set(set as ActivitySet);
  });
  ws.on('unexpected-response', (request, response) => {
    response.resume();
    request.destroy();
    finish({ collision: false, refusedStatus: response.statusCode ?? 0, why: `upgrade refused: HTTP ${response.statusCode}` });
  });
  ws.on('error', (error) => (why ||= error.message));
  ws.on('close', (code, reason) => {
    const text = reason.toString();
    finish({ collision: text === 'collision', refusedStatus: null, why: why || `closed ${code}${text ? ` ${text}` : ''}` });
  });

  return {
    done,
    close: () => {
      why = 'closed by the client';
      if (ws.readyState === ws.CONNECTING) ws.terminate();
      else ws.close(1000);
      // A socket that never answers the close frame is not waited for.
      setTimeout(() => finish({ collision: false, refusedStatus: null, why }), 2000).unref();
    },
  };
}
