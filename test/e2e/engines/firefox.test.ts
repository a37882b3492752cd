// The visitor journeys (journeys.ts) in Debian's Firefox ESR, through puppeteer-core and WebDriver BiDi.
import { describe } from 'vitest';
import { engineEnabled } from '../../support/engines';
import { journeys } from './journeys';

describe.runIf(engineEnabled('firefox'))('firefox', () => journeys('firefox', 'full'));
