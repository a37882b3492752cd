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

/**
 * The widget's app chunk (dist/app.js) and the chunks it loads: ES modules that import each other by
 * relative URL, so dist/ works from any origin and path. No module-preload links: they would be
 * added to the host page's <head>.
 */
const widgetApp: UserConfig = {
  oxc: jsx,
  base: './',
  publicDir: false,
  build: {
    outDir: path('./dist'),
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: false,
    cssCodeSplit: false,
    sourcemap: true,
    rolldownOptions: {
      input: { app: path('./src/app/index.tsx') },
      preserveEntrySignatures: 'exports-only',
      output: {
        format: 'es',
        entryFileNames: '[name].js',
        // The cards UI is named, so the size budget finds it (test/support/sizes.ts).
        chunkFileNames: (chunk) => (chunk.facadeModuleId?.includes('/src/ui/cards/') ? 'chunks/cards-[hash].js' : 'chunks/[name]-[hash].js'),
      },
    },
  },
};

/** The loader (dist/chat.js): a classic script, so `<script src=… async>` works anywhere. */
const widgetLoader: UserConfig = {
  publicDir: false,
  build: {
    outDir: path('./dist'),
    emptyOutDir: false,
    target: 'es2020',
    sourcemap: true,
    lib: { entry: path('./src/loader/index.ts'), formats: ['iife'], name: 'ParleyLoader', fileName: () => 'chat.js' },
  },
};

export default defineConfig(({ mode }) => {
  if (mode === 'agent-console') return agentConsole;
  if (mode === 'loader') return widgetLoader;
  return {
    ...widgetApp,
    test: {
      globalSetup: [path('./test/support/global-setup.ts')],
      projects: [
        {
          extends: true,
          test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' },
        },
        {
          extends: true,
          // Preact components rendered into happy-dom's document, with fake models (test/support/view.ts).
          test: { name: 'component', include: ['test/component/**/*.test.{ts,tsx}'], environment: 'happy-dom', setupFiles: [path('./test/component/setup.ts')] },
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
            // What a browser shows follows polling (about every 2 s) on a busy 2-core machine.
            expect: { poll: { timeout: 10_000, interval: 100 } },
          },
        },
      ],
    },
  };
});
