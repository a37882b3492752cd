/// <reference types="vitest/config" />
import { defineConfig, type UserConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const path = (p: string) => fileURLToPath(new URL(p, import.meta.url));

const jsx = { jsx: { runtime: 'automatic' as const, importSource: 'preact' } };

/** The agent console of the emulated contact center, served by the emulator at /agent. */
const agentConsole: UserConfig = {
  root: path('./demo/contact-center/agent/console'),
  base: '/agent/',
  oxc: jsx,
  build: {
    outDir: path('./demo/contact-center/agent/console/dist'),
    emptyOutDir: true,
    target: 'es2022',
  },
};

export default defineConfig(({ mode }) => {
  if (mode === 'agent-console') return agentConsole;
  return {
    oxc: jsx,
    test: {
      globalSetup: [path('./test/support/global-setup.ts')],
      projects: [
        {
          extends: true,
          test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/component/**/*.test.{ts,tsx}'], environment: 'node' },
        },
        {
          extends: true,
          test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 },
        },
        {
          extends: true,
          test: {
            name: 'e2e',
            include: ['test/e2e/**/*.test.ts'],
            testTimeout: 60_000,
            hookTimeout: 120_000,
          },
        },
      ],
    },
  };
});
