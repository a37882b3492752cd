// Size budgets of the built widget (deterministic, so they are checked in every test run).
import { expect, it } from 'vitest';
import { widgetSizes } from '../support/sizes';

it('keeps the loader within 3 KB and the English chat window within 45 KB (gzip)', () => {
  const sizes = widgetSizes();
  expect(sizes.loader).toBeLessThanOrEqual(3 * 1024);
  expect(sizes.chatWindow).toBeLessThanOrEqual(45 * 1024);
});

it('keeps the cards UI in its own chunk of at most 8 KB (gzip), outside what the chat window loads', () => {
  const sizes = widgetSizes();
  expect(sizes.cards).toBeGreaterThan(0);
  expect(sizes.cards).toBeLessThanOrEqual(8 * 1024);
  expect(sizes.cardsStatic).toBe(false);
});

it('keeps each extra language within 4 KB (gzip), one chunk per language', async () => {
  const { readdirSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { DIST } = await import('../support/host-page');
  const { gzipSize } = await import('../support/sizes');
  const { LANGUAGES } = await import('../../src/i18n/languages');
  const chunks = readdirSync(join(DIST, 'chunks')).filter((f) => f.endsWith('.js'));
  const sizes = Object.fromEntries(
    LANGUAGES.filter((l) => l !== 'en').map((language) => {
      const file = chunks.find((f) => f.startsWith(`${language}-`));
      return [language, file ? gzipSize(join(DIST, 'chunks', file)) : -1];
    }),
  );
  for (const [language, size] of Object.entries(sizes)) {
    expect(size, language).toBeGreaterThan(0);
    expect(size, language).toBeLessThanOrEqual(4 * 1024);
  }
});
