// Pre-chat and offline form checks: which fields are wrong, by the system message that says why.
import { own } from '../../bot-bridge/customer-chat-api/own';
import { EMAIL } from '../../bot-bridge/customer-chat-api/wire';
import type { FormField } from './types';

export type FieldErrors = Record<string, 'errorRequiredMessage' | 'errorInvalidEmail' | 'errorInvalidNumber'>;

export function checkForm(fields: FormField[], values: Record<string, string>): FieldErrors {
  const errors: FieldErrors = {};
  for (const field of fields) {
    const value = (own(values, field.id) ?? '').trim();
    if (!value) {
      if (field.required) errors[field.id] = 'errorRequiredMessage';
      continue;
    }
    if (field.type === 'email' && !EMAIL.test(value)) errors[field.id] = 'errorInvalidEmail';
    if (field.type === 'number' && !/^-?\d+([.,]\d+)?$/.test(value)) errors[field.id] = 'errorInvalidNumber';
  }
  return errors;
}

/** Form answers as the agent reads them: by label, language and empty answers left out. */
export function formUserData(fields: FormField[], values: Record<string, string>): Record<string, string> {
  const data: Record<string, string> = {};
  for (const field of fields) {
    const value = (own(values, field.id) ?? '').trim();
    if (value && field.type !== 'language') data[field.label || field.id] = value;
  }
  return data;
}
