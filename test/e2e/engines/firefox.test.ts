// The visitor journeys (journeys.ts) in Debian's Firefox ESR, through puppeteer-core and WebDriver BiDi.
import { describe } from 'vitest';
import { engineEnabled } from '../../support/engines';
import { journeys } from './journeys';

// Known flake (2026-12-01, after the cards/files and long-poll merges): now and then a click on the
// launcher opens nothing in Firefox (about one journey in ten, a different one each run; never in
// Chromium or WebKit). Until its cause is found, a failed journey is run again up to twice, so a CI
// run does not fail on it; a journey that fails three times still fails.
describe.runIf(engineEnabled('firefox'))('firefox', { retry: Number(process.env.FF_RETRY ?? 2) }, () => journeys('firefox', 'full'));
