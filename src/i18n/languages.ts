// The 22 chat languages of the embedded chat API, and how a browser language maps onto them.
export const LANGUAGES = ['en', 'ru', 'de', 'ja', 'es', 'fr', 'pt', 'it', 'pl', 'hr', 'hi', 'nl', 'ar', 'da', 'ko', 'no', 'sv', 'vi', 'cy', 'th', 'zh-CN', 'zh-TW'] as const;

export type Language = (typeof LANGUAGES)[number];

export const isLanguage = (value: unknown): value is Language => typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);

export const RTL: ReadonlySet<Language> = new Set<Language>(['ar']);

/** The chat language closest to a BCP 47 tag (navigator.language), or null when none of the 22 fits. */
export function matchLanguage(tag: string | undefined | null): Language | null {
  if (!tag) return null;
  const lower = tag.toLowerCase();
  if (lower.startsWith('zh')) {
    return /-(tw|hk|mo|hant)/.test(lower) ? 'zh-TW' : 'zh-CN';
  }
  const primary = lower.split('-')[0]!;
  if (primary === 'nb' || primary === 'nn') return 'no';
  return isLanguage(primary) ? primary : null;
}

export function browserLanguage(): Language | null {
  const candidates = typeof navigator === 'undefined' ? [] : [...(navigator.languages ?? []), navigator.language];
  for (const tag of candidates) {
    const match = matchLanguage(tag);
    if (match) return match;
  }
  return null;
}
