// The validation rules of the bus topics (protocols/embedded-chat-bus.md). Console messages are
// exact strings: embedders search for them.
import { isLanguage, type Language } from '../i18n/languages';
import type { CustomerInfo } from './chat';

export type { CustomerInfo, Primitive } from './chat';

export interface Logger {
  warn(message: string): void;
}

const show = (value: unknown): string => {
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value, (_k, v: unknown) => (typeof v === 'function' ? '[function]' : v)) ?? String(value));
  } catch {
    return String(value);
  }
};

/**
 * Merges `patch` into `current` by the customer:set-info rules: primitives only, keys under 100
 * characters, values under 500 (as strings), null removes, undefined changes nothing.
 */
export function mergeCustomerInfo(current: CustomerInfo, patch: unknown, log: Logger): CustomerInfo {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    log.warn(`Customer info ${show(patch)} is not of a primitive type and will be discarded`);
    return current;
  }
  const next: CustomerInfo = { ...current };
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    const info = show({ [key]: value });
    if (value === undefined) continue;
    if (value === null) {
      delete next[key];
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      log.warn(`Customer info ${info} is not of a primitive type and will be discarded`);
      continue;
    }
    if (key.length >= 100) {
      log.warn(`Customer info ${info} key is too big and will be discarded`);
      continue;
    }
    if (String(value).length >= 500) {
      log.warn(`Customer info ${info} value is too big and will be discarded`);
      continue;
    }
    next[key] = value;
  }
  return next;
}

/** A valid chat language, or null with the documented warning. */
export function checkLanguage(value: unknown, log: Logger): Language | null {
  if (isLanguage(value)) return value;
  log.warn(`Chat language ${show(value)} is not valid and will be discarded`);
  return null;
}

const CRM_VARIABLES = new Set(['$language', '$caseNumber', '$accountNumber', '$emailAddress', '$emailSubject', '$emailBody']);
const VARIABLE_PATTERN = /^[_$][A-Za-z0-9_-]+$/;

/**
 * Applies chat:set-variables: custom variables start with `_`, CRM variables with `$` and must be
 * one of the six supported; keys and values are strings of at most 255 characters.
 */
export function mergeVariables(current: Record<string, string>, patch: unknown, log: Logger): Record<string, string> {
  const next = { ...current };
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    log.warn(`Customer variable: provided variable ${show(patch)} is not a string or its chars exceeded the max length of 255. It will be discarded`);
    return next;
  }
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (!VARIABLE_PATTERN.test(key) || key.length > 255) {
      log.warn(`Customer variable: provided variable ${key} does not match the expected pattern or its chars exceeded the max length of 255. It will be discarded`);
      continue;
    }
    if (key.startsWith('$') && !CRM_VARIABLES.has(key)) {
      log.warn(`Customer variable: provided system variable ${key} it's not supported. It will be discarded`);
      continue;
    }
    if (typeof value !== 'string' || value.length > 255) {
      log.warn(`Customer variable: provided variable ${key} is not a string or its chars exceeded the max length of 255. It will be discarded`);
      continue;
    }
    next[key] = value;
  }
  return next;
}
