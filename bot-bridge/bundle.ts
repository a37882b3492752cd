// `npm run build:bridge`: the bridge as one compiled file, bot-bridge/dist/index.mjs, for production:
// `node bot-bridge/dist/index.mjs` with the same environment as `npm run bridge`. Packages stay in
// node_modules (not bundled); no TypeScript compiler runs in the server, which saves 10–25 MB of
// memory per process and about a second of start-up (`npm run bridge` runs the sources through tsx,
// for development).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

export const BUNDLE = fileURLToPath(new URL('./dist/index.mjs', import.meta.url));

export async function bundleBridge(outfile = BUNDLE): Promise<string> {
  await build({
    entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) console.log(`bridge: built ${await bundleBridge()}`);
