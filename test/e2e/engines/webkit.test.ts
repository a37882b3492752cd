// The smoke set of the visitor journeys (journeys.ts) in WebKitGTK, through selenium-webdriver and
// WebKitWebDriver under a virtual display: the engine of every iOS webview.
import { describe } from 'vitest';
import { engineEnabled } from '../../support/engines';
import { journeys } from './journeys';

describe.runIf(engineEnabled('webkit'))('webkit', () => journeys('webkit', 'smoke'));
