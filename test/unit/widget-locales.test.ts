// Every language has every key, keeps every placeholder, and is not just English.
import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en';
import { LANGUAGES } from '../../src/i18n/languages';

const placeholders = (text: string) => (text.match(/\{\{\s*\w+\s*\}\}|\{<\s*\w+\s*>\}/g) ?? []).map((p) => p.replace(/\s/g, '').replace(/^\{<(\w+)>\}$/, '{{$1}}')).sort();
const keys = Object.keys(en);

describe.each(LANGUAGES.filter((l) => l !== 'en'))('%s', (language) => {
  it('has every key, non-empty, with the same placeholders as English', async () => {
    const { default: messages } = (await import(`../../src/i18n/locales/${language}.ts`)) as { default: Record<string, string> };
    expect(Object.keys(messages).sort()).toEqual([...keys].sort());
    for (const key of keys) {
      const text = messages[key]!;
      expect(text.trim().length, key).toBeGreaterThan(0);
      expect(placeholders(text), `${language}.${key}`).toEqual(placeholders((en as Record<string, string>)[key]!));
    }
    const same = keys.filter((key) => messages[key] === (en as Record<string, string>)[key]);
    expect(same.length, `untranslated: ${same.join(', ')}`).toBeLessThan(keys.length / 10);
  });
});
