// Checks of what a client sends, with messages that say what to fix (statusCode 1). Every request
// body goes through here before a server looks at its chats.
import { badParameter } from './envelope';
import { own, put } from './own';
import {
  CLIENT_MESSAGE_ID,
  EMAIL,
  ENDPOINT,
  FILE_ID,
  INDEX,
  LIMITS,
  MAX_TEXT,
  WAIT_SECONDS,
  type ChatOperation,
  type FormField,
  type SendMessageRequest,
  type UserData,
} from './wire';

export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badParameter('The request body must be a JSON object');
  return body as Record<string, unknown>;
}

export function optionalString(body: Record<string, unknown>, key: string, max: number): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badParameter(`"${key}" must be a string`);
  if (value.length > max) throw badParameter(`"${key}" must be at most ${max} characters`);
  return value;
}

export function requiredString(body: Record<string, unknown>, key: string, max: number): string {
  const value = optionalString(body, key, max);
  if (value === undefined || value.trim() === '') throw badParameter(`"${key}" is required`);
  return value;
}

/** A flat object of strings, numbers and booleans (what agents can display). */
export function userData(value: unknown, key = 'userData'): UserData {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw badParameter(`"${key}" must be an object`);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > LIMITS.userDataProperties) throw badParameter(`"${key}" may have at most ${LIMITS.userDataProperties} properties`);
  const out: UserData = {};
  for (const [k, v] of entries) {
    if (k.length === 0 || k.length > LIMITS.userDataKey) throw badParameter(`"${key}" keys must have 1 to ${LIMITS.userDataKey} characters`);
    if (typeof v === 'string') {
      if (v.length > MAX_TEXT) throw badParameter(`"${key}.${k}" must be at most ${MAX_TEXT} characters`);
    } else if (!(typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)))) {
      throw badParameter(`"${key}.${k}" must be a string, a number or a boolean`);
    }
    put(out, k, v);
  }
  return out;
}

/** A RequestChat body, checked; `endpoint` is only known to be a well-formed queue name. */
export interface ChatRequest {
  nickname: string;
  subject?: string;
  endpoint?: string;
  userData: UserData;
}

export function parseRequestChat(raw: unknown): ChatRequest {
  const body = objectBody(raw);
  if (body.operationName !== 'RequestChat') {
    throw badParameter(
      body.operationName === undefined
        ? '"operationName" is required (RequestChat)'
        : `Unknown operationName for this path: ${JSON.stringify(body.operationName)}; expected RequestChat`,
    );
  }
  const nickname = requiredString(body, 'nickname', LIMITS.nickname);
  const subject = optionalString(body, 'subject', LIMITS.subject);
  const endpoint = optionalString(body, 'endpoint', LIMITS.endpoint);
  if (endpoint !== undefined && !ENDPOINT.test(endpoint)) throw badParameter(`Unknown endpoint "${endpoint}"`);
  return {
    nickname,
    ...(subject !== undefined ? { subject } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
    userData: userData(body.userData),
  };
}

/** A POST /chats/{id} body, checked; an empty clientMessageId counts as none. */
export function parseOperation(raw: unknown): ChatOperation {
  const body = objectBody(raw);
  switch (body.operationName) {
    case 'SendMessage':
      return parseSendMessage(body);
    case 'SendStartTypingNotification':
    case 'SendStopTypingNotification':
    case 'Complete':
      return { operationName: body.operationName };
    case undefined:
      throw badParameter('"operationName" is required');
    default:
      throw badParameter(`Unknown operationName ${JSON.stringify(body.operationName)}`);
  }
}

/** SendMessage: text, or (ext) files uploaded first with text optional; (ext) a reply button's JSON `value`. */
function parseSendMessage(body: Record<string, unknown>): SendMessageRequest {
  const attachments = attachmentIds(body.attachments);
  const text = attachments.length ? (optionalString(body, 'text', MAX_TEXT) ?? '') : requiredString(body, 'text', MAX_TEXT);
  const message: SendMessageRequest = { operationName: 'SendMessage', text };
  const clientMessageId = optionalString(body, 'clientMessageId', LIMITS.clientMessageId);
  if (clientMessageId) {
    if (!CLIENT_MESSAGE_ID.test(clientMessageId)) throw badParameter('"clientMessageId" may only hold letters, digits and . _ : -');
    message.clientMessageId = clientMessageId;
  }
  if (attachments.length) message.attachments = attachments;
  if (body.value !== undefined && body.value !== null) {
    const value = body.value;
    if (typeof value !== 'object' || Array.isArray(value)) throw badParameter('"value" must be a JSON object');
    if (JSON.stringify(value).length > LIMITS.value) throw badParameter(`"value" must be at most ${LIMITS.value} characters of JSON`);
    message.value = value as Record<string, unknown>;
  }
  return message;
}

function attachmentIds(raw: unknown): { id: string }[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw badParameter('"attachments" must be an array of { id }');
  if (raw.length > LIMITS.attachmentsPerMessage) throw badParameter(`"attachments" may have at most ${LIMITS.attachmentsPerMessage} files`);
  return raw.map((item, i) => {
    const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
    if (typeof id !== 'string' || !FILE_ID.test(id)) throw badParameter(`"attachments[${i}].id" must be the id of a file uploaded to this chat`);
    return { id };
  });
}

/** GetMessages' `index`: null when absent (the server's cursor decides), else the number. */
export function parseIndex(raw: unknown): number | null {
  if (raw === undefined) return null;
  if (typeof raw !== 'string' || !INDEX.test(raw)) throw badParameter('"index" must be a whole number (0 or more)');
  return Number(raw);
}

/** (ext) GetMessages' `waitSeconds`: 0 when absent, else the number, held to the server's `maxS`. */
export function parseWaitSeconds(raw: unknown, maxS: number): number {
  if (raw === undefined) return 0;
  if (typeof raw !== 'string' || !WAIT_SECONDS.test(raw)) throw badParameter('"waitSeconds" must be a whole number of seconds (0 or more)');
  return Math.min(Number(raw), maxS);
}

/** The chat script's query: tenant, channel and uuid say which embed asks; none is required. */
export function checkChatScriptQuery(query: Record<string, unknown>): void {
  for (const key of ['tenant', 'channel', 'uuid']) {
    const value = query[key];
    if (value !== undefined && (typeof value !== 'string' || value.length > LIMITS.queryValue)) {
      throw badParameter(`"${key}" must be a string of at most ${LIMITS.queryValue} characters`);
    }
  }
}

/** An offline form submission, checked against the form the server serves (required, e-mail). */
export function parseOfflineMessage(raw: unknown, form: readonly FormField[]): { fields: Record<string, string>; userData: UserData } {
  const body = objectBody(raw);
  if (typeof body.fields !== 'object' || body.fields === null || Array.isArray(body.fields)) throw badParameter('"fields" must be an object of strings');
  const entries = Object.entries(body.fields as Record<string, unknown>);
  if (entries.length > LIMITS.offlineFields) throw badParameter(`"fields" may have at most ${LIMITS.offlineFields} entries`);
  const fields: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (typeof value !== 'string') throw badParameter(`"fields.${key}" must be a string`);
    if (key.length > LIMITS.offlineFieldKey) throw badParameter(`"fields" keys must have at most ${LIMITS.offlineFieldKey} characters`);
    if (value.length > MAX_TEXT) throw badParameter(`"fields.${key}" must be at most ${MAX_TEXT} characters`);
    put(fields, key, value);
  }
  for (const field of form) {
    const value = own(fields, field.id)?.trim();
    if (field.required && !value) throw badParameter(`"fields.${field.id}" is required`);
    if (value && field.type === 'email' && !EMAIL.test(value)) throw badParameter(`"fields.${field.id}" is not an e-mail address`);
  }
  return { fields, userData: userData(body.userData) };
}
