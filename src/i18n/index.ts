// System messages in the chat language, with the page's customSystemMessages on top.
import { en, type MessageKey, type Messages } from './en';
import type { Language } from './languages';

export type { MessageKey } from './en';

export type Vars = Record<string, string | number | undefined>;

/** Replaces {{name}} and {<name>} placeholders (both forms are documented). */
export function fill(template: string, vars: Vars = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}|\{<\s*(\w+)\s*>\}/g, (match, a: string | undefined, b: string | undefined) => {
    const value = vars[(a ?? b)!];
    return value === undefined ? match : String(value);
  });
}

export interface Translator {
  readonly language: Language;
  t(key: MessageKey | string, vars?: Vars): string;
}

/**
 * A translator for one language. Other languages than English arrive with the i18n work; until a
 * language's table is loaded, English is the fallback for every key.
 */
export function createTranslator(language: Language, custom: Record<string, string> = {}, table: Partial<Messages> = {}): Translator {
  return {
    language,
    t(key, vars) {
      const template = custom[key] ?? (table as Record<string, string>)[key] ?? (en as Record<string, string>)[key] ?? key;
      return fill(template, vars);
    },
  };
}
