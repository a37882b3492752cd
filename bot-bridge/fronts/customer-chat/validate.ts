// Checks of what the widget sends, with messages that say what to fix.
import type { Primitive } from '../../sessions/types';
import { badParameter } from './envelope';

export const MAX_TEXT = 4000;
const CLIENT_MESSAGE_ID = /^[\w.:-]{1,100}$/;

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

export function clientMessageId(body: Record<string, unknown>): string | null {
  const value = optionalString(body, 'clientMessageId', 100);
  if (value === undefined || value === '') return null;
  if (!CLIENT_MESSAGE_ID.test(value)) throw badParameter('"clientMessageId" may only hold letters, digits and . _ : -');
  return value;
}

/** userData: a flat object of strings, numbers and booleans (what agents can display). */
export function userData(value: unknown, key = 'userData'): Record<string, Primitive> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw badParameter(`"${key}" must be an object`);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 200) throw badParameter(`"${key}" may have at most 200 properties`);
  const out: Record<string, Primitive> = {};
  for (const [k, v] of entries) {
    if (k.length === 0 || k.length > 255) throw badParameter(`"${key}" keys must have 1 to 255 characters`);
    if (typeof v === 'string') {
      if (v.length > MAX_TEXT) throw badParameter(`"${key}.${k}" must be at most ${MAX_TEXT} characters`);
    } else if (!(typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)))) {
      throw badParameter(`"${key}.${k}" must be a string, a number or a boolean`);
    }
    out[k] = v as Primitive;
  }
  return out;
}
