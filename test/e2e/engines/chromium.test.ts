// The visitor journeys (journeys.ts) in Chromium, through playwright-core.
import { describe } from 'vitest';
import { engineEnabled } from '../../support/engines';
import { journeys } from './journeys';

describe.runIf(engineEnabled('chromium'))('chromium', () => journeys('chromium', 'full'));
