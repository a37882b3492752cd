// Size budgets of the built widget (deterministic, so they are checked in every test run).
import { expect, it } from 'vitest';
import { widgetSizes } from '../support/sizes';

it('keeps the loader within 3 KB and the English chat window within 45 KB (gzip)', () => {
  const sizes = widgetSizes();
  expect(sizes.loader).toBeLessThanOrEqual(3 * 1024);
  expect(sizes.chatWindow).toBeLessThanOrEqual(45 * 1024);
});
