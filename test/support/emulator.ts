// Starts a real emulator on a free port for a test file, and speaks its APIs.
import type { FastifyInstance } from 'fastify';
import { buildEmulator, type Emulator } from '../../demo/contact-center/app';
import { DEFAULT_CONTACT_CENTER_ID, type EmulatorConfig } from '../../demo/contact-center/config';

export const CC_ID = DEFAULT_CONTACT_CENTER_ID;
export const OTHER_CC_ID = '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d';
export const API_KEY = 'emulator-key';

export interface RunningEmulator extends Emulator {
  url: string;
  close(): Promise<void>;
}

export async function startEmulator(overrides: Partial<EmulatorConfig> = {}): Promise<RunningEmulator> {
  const emulator = await buildEmulator({ contactCenterIds: [CC_ID, OTHER_CC_ID], webhookRetryBaseMs: 50, webhookTimeoutMs: 2000, ...overrides });
  await emulator.app.listen({ port: 0, host: '127.0.0.1' });
  const address = emulator.app.server.address();
  if (!address || typeof address === 'string') throw new Error('emulator did not bind a TCP port');
  return { ...emulator, url: `http://127.0.0.1:${address.port}`, close: () => closeServer(emulator.app) };
}

/**
 * Closes a test server, and after a second drops the connections still open. A request whose handler
 * still waits on a peer the test closed first (the demo bot replying to a bridge that is gone) would
 * otherwise hold close() until the hook's timeout: seen about once in four runs of a file that closes
 * ten bridges before its bot.
 */
export async function closeServer(app: FastifyInstance): Promise<void> {
  const timer = setTimeout(() => app.server.closeAllConnections(), 1000);
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
  }
}

export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function http<T = any>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<JsonResponse<T>> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) headers.set('content-type', 'application/json');
  const response = await fetch(url, { ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
  const text = await response.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: response.status, headers: response.headers, body };
}

/** A file to upload in a test: its bytes, the name and the type the client claims. */
export interface TestFile {
  bytes: Uint8Array;
  name: string;
  type?: string;
}

/** A 1×1 PNG, the smallest real picture. */
export const PNG_1PX = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** A multipart/form-data body as a browser's FormData makes it: one file part, and text fields. */
export function formOf(fileField: string, file: TestFile | null, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  if (file) form.append(fileField, new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/octet-stream' }), file.name);
  return form;
}

/** A Customer Chat API client with the ContactCenterId header, as a widget would send it. */
export function chatClient(base: string, contactCenterId = CC_ID) {
  const headers = { ContactCenterId: contactCenterId };
  return {
    request: (body: unknown) => http(`${base}/api/v2/chats`, { method: 'POST', headers, json: body }),
    requestChat: async (extra: Record<string, unknown> = {}) => {
      const r = await http(`${base}/api/v2/chats`, { method: 'POST', headers, json: { operationName: 'RequestChat', nickname: 'Chris', ...extra } });
      if (r.status !== 200) throw new Error(`RequestChat failed: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.id as string;
    },
    operation: (id: string, body: unknown) => http(`${base}/api/v2/chats/${id}`, { method: 'POST', headers, json: body }),
    send: (id: string, text: string, clientMessageId?: string) =>
      http(`${base}/api/v2/chats/${id}`, { method: 'POST', headers, json: { operationName: 'SendMessage', text, clientMessageId } }),
    /** (ext) POST /api/v2/chats/{id}/files with one part named `file`. */
    upload: (id: string, file: TestFile, field = 'file') => http(`${base}/api/v2/chats/${id}/files`, { method: 'POST', headers, body: formOf(field, file) }),
    /** SendMessage with files uploaded first (and a text, a value). */
    sendFiles: (id: string, fileIds: string[], extra: Record<string, unknown> = {}) =>
      http(`${base}/api/v2/chats/${id}`, { method: 'POST', headers, json: { operationName: 'SendMessage', attachments: fileIds.map((fileId) => ({ id: fileId })), ...extra } }),
    chat: (id: string, family: 'me' | 'chats' = 'me') => http(`${base}/api/v2/${family === 'me' ? 'me/chat' : 'chats'}/${id}`, { headers }),
    messages: (id: string, index?: number | string, family: 'me' | 'chats' = 'me') =>
      http(`${base}/api/v2/${family === 'me' ? 'me/chat' : 'chats'}/${id}/messages${index === undefined ? '' : `?index=${index}`}`, { headers }),
  };
}

/** The emulator's agent API, as the agent console uses it. */
export function agentClient(base: string) {
  const post = (path: string, json?: unknown) => http(`${base}/agent/api${path}`, { method: 'POST', json: json ?? {} });
  return {
    list: async () => (await http(`${base}/agent/api/interactions`)).body.interactions as any[],
    /** The one chat at the agent's desk, once there is exactly one (a test's single customer). */
    onlyChat: () =>
      eventually(async () => {
        const list = (await http(`${base}/agent/api/interactions`)).body.interactions as any[];
        if (list.length !== 1) throw new Error(`expected one chat at the agent, found ${list.length}`);
        return list[0];
      }),
    accept: (id: string, agentId = 'agent-kristi', agentName = 'Kristi') => post(`/interactions/${id}/accept`, { agentId, agentName }),
    say: (id: string, text: string) => post(`/interactions/${id}/messages`, { text }),
    typing: (id: string, typing: boolean) => post(`/interactions/${id}/typing`, { typing }),
    transfer: (id: string, queueId: string) => post(`/interactions/${id}/transfer`, { queueId }),
    leave: (id: string) => post(`/interactions/${id}/leave`),
    transcript: async (id: string) => (await http(`${base}/agent/api/interactions/${id}/transcript`)).body,
    /** An agent's file to the customer (multipart `file`, optional `text`). */
    sendFile: (id: string, file: TestFile, text?: string) =>
      http(`${base}/agent/api/interactions/${id}/files`, { method: 'POST', body: formOf('file', file, text === undefined ? {} : { text }) }),
    post,
  };
}

/** The control API takes JSON only (a cross-site page cannot send it without a preflight): `json` sets the header. */
/** Forgets every chat and setting (the control API takes JSON only); fails loudly when refused. */
export async function resetEmulator(base: string): Promise<void> {
  const r = await http(`${base}/emulator/api/reset`, { method: 'POST', json: {} });
  if (r.status >= 300) throw new Error(`emulator reset refused: ${r.status} ${JSON.stringify(r.body)}`);
}

export function control(base: string, settings: unknown) {
  return http(`${base}/emulator/api/control`, { method: 'POST', json: settings });
}

export async function eventually<T>(check: () => Promise<T> | T, { timeoutMs = 5000, intervalMs = 25 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
  throw lastError;
}

// ---- Webhook signatures, checked as protocols/chat-gateway.md tells a receiver to ----------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Whether a delivery's x-8x8-signature verifies over its raw body with the emulator's published key (jose, an independent JWS library). */
export async function webhookSignatureValid(base: string, raw: Uint8Array, headers: Record<string, string | string[] | undefined>): Promise<boolean> {
  const { flattenedVerify, importJWK } = await import('jose');
  const h = (name: string) => String(headers[name] ?? '');
  const [protectedHeader, empty, signature] = h('x-8x8-signature').split('.');
  if (empty !== '' || !protectedHeader || !signature) return false;
  const { kid } = JSON.parse(Buffer.from(protectedHeader, 'base64url').toString()) as { kid: string };
  const jwk = (await http(`${base}/chat-gateway/v1/jwk/${kid}/public`)).body;
  const payload =
    `{"checksum":${crc32(raw)},"cid":${JSON.stringify(h('x-8x8-customer-id'))},"eid":${JSON.stringify(h('x-8x8-event-id'))},` +
    `"retry":${Number(h('x-8x8-retry'))},"tid":${JSON.stringify(h('x-8x8-tenant-id'))},"tt":${Number(h('x-8x8-transmission-time'))}}`;
  try {
    await flattenedVerify({ protected: protectedHeader, payload, signature }, await importJWK(jwk, 'RS256'), { algorithms: ['RS256'] });
    return true;
  } catch {
    return false;
  }
}
