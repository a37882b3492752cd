import { cleanup } from '@testing-library/preact';
import { afterEach } from 'vitest';

// Testing Library unmounts after each test by itself only when the test runner has global hooks.
afterEach(cleanup);
