// System messages in the chat language, with the page's customSystemMessages on top.
import { own } from '../../bot-bridge/customer-chat-api/own';
import { en, type MessageKey, type Messages } from './en';
import { enRich, type RichKey } from './en-rich';
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
  t(key: MessageKey | RichKey | string, vars?: Vars): string;
}

/**
 * A translator for one language. Other languages than English arrive with the i18n work; until a
 * language's table is loaded, English is the fallback for every key.
 */
export function createTranslator(language: Language, custom: Record<string, string> = {}, table: Partial<Messages & Record<RichKey, string>> = {}): Translator {
  return {
    language,
    t(key, vars) {
      const text = (k: string) =>
        own(custom, k) ?? own(table as Record<string, string>, k) ?? own(en as Record<string, string>, k) ?? own(enRich as Record<string, string>, k) ?? k;
      // {{agent}} in a text that names nobody (agentTyping, a custom text) says "Agent", not the placeholder.
      return fill(text(key), { agent: text('agent'), ...Object.fromEntries(Object.entries(vars ?? {}).filter(([, v]) => v !== undefined && v !== '')) });
    },
  };
}

const tables = new Map<Language, Promise<Partial<Messages>>>();

/**
 * The messages of a language, loaded on demand (one small chunk per language) and kept for the
 * page's lifetime. English ships in the app chunk; a language that fails to load falls back to it.
 */
export function loadMessages(language: Language): Promise<Partial<Messages>> {
  if (language === 'en') return Promise.resolve({});
  let table = tables.get(language);
  if (!table) {
    table = import(`./locales/${language}.ts`)
      .then((module: { default: Messages }) => module.default)
      .catch(() => {
        tables.delete(language);
        return {};
      });
    tables.set(language, table);
  }
  return table;
}
