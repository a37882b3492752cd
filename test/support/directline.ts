// The demo Direct Line service for tests: in-process on a free port (when a test needs settings of
// its own, e.g. short-lived tokens), and a client of its raw API and its control API, whichever way
// it runs (in-process or as `npm run directline`).
import { buildDirectLine, type DirectLineService } from '../../demo/directline/app';
import { DEMO_SECRET, type DirectLineConfig } from '../../demo/directline/config';

export { DEMO_SECRET };

export interface RunningDirectLine extends DirectLineService {
  url: string;
  close(): Promise<void>;
}

export async function startDirectLine(overrides: Partial<DirectLineConfig> = {}): Promise<RunningDirectLine> {
  const service = await buildDirectLine({ port: 0, heartbeatS: 1, botTimeoutMs: 5000, ...overrides });
  await service.app.listen({ port: 0, host: '127.0.0.1' });
  const address = service.app.server.address();
  if (!address || typeof address === 'string') throw new Error('direct line did not bind a TCP port');
  return { ...service, url: `http://127.0.0.1:${address.port}`, close: () => service.app.close() };
}

export interface DLActivity {
  type: string;
  id?: string;
  text?: string;
  from?: { id: string; name?: string; role?: string };
  name?: string;
  replyToId?: string;
  channelData?: { clientActivityID?: string } & Record<string, unknown>;
  attachments?: { contentType: string; contentUrl?: string; name?: string; content?: unknown }[];
  suggestedActions?: { actions: { title?: string; value?: unknown }[] };
  [key: string]: unknown;
}

export interface LoggedRequest {
  at: number;
  method: string;
  route: string;
  path: string;
  status: number;
}

/** The raw Direct Line API and the control API of a running service. */
export function directLineApi(base: string, secret = DEMO_SECRET) {
  const call = async (method: string, path: string, bearer: string | null, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: (text ? JSON.parse(text) : null) as Record<string, unknown> & { error?: { code: string; message: string } },
    };
  };
  const control = async (method: string, path: string, body?: unknown) => {
    const answer = await call(method, `/directline/api${path}`, secret, body);
    if (answer.status >= 300) throw new Error(`control ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  return {
    call,
    generate: async (user?: { id: string; name?: string }) => {
      const answer = await call('POST', '/v3/directline/tokens/generate', secret, user ? { user } : {});
      if (answer.status !== 200) throw new Error(`generate: ${answer.status}`);
      return answer.body as { conversationId: string; token: string; expires_in: number };
    },
    /** Sends an activity as the bot would (the connector does not check credentials). */
    botSays: async (conversationId: string, activity: Record<string, unknown>) => {
      const answer = await call('POST', `/v3/conversations/${encodeURIComponent(conversationId)}/activities`, null, activity);
      if (answer.status !== 200) throw new Error(`botSays: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body as { id: string };
    },
    faults: (faults: unknown[]) => control('POST', '/faults', { faults }),
    streams: (settings: { enabled?: boolean; drop?: boolean; conversationId?: string }) =>
      control('POST', '/streams', settings) as Promise<{ enabled: boolean; open: number; dropped: number }>,
    expireTokens: (conversationId: string) => call('POST', `/directline/api/conversations/${encodeURIComponent(conversationId)}/expire-tokens`, secret),
    transcript: async (conversationId: string) => (await control('GET', `/conversations/${encodeURIComponent(conversationId)}`)) as { activities: DLActivity[]; watermark: string },
    requests: async (since = 0) => ((await control('GET', `/requests?since=${since}`)) as { requests: LoggedRequest[] }).requests,
  };
}

export type DirectLineApi = ReturnType<typeof directLineApi>;

/** The parts of an activity two clients must agree on (ids and times differ between conversations). */
export const essence = (a: DLActivity) => ({
  type: a.type,
  ...(a.text !== undefined ? { text: a.text } : {}),
  ...(a.name !== undefined ? { name: a.name } : {}),
  ...(a.suggestedActions ? { actions: a.suggestedActions.actions.map((x) => x.title) } : {}),
  ...(a.attachments?.length ? { attachments: a.attachments.map((x) => x.contentType) } : {}),
});
