// The npm build of botframework-webchat (its minimal bundle), fetched at bench time with `npm pack`
// into a cache folder, gzipped the same way as ours. Not a dependency of the project.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSize } from '../support/sizes';

const CACHE = fileURLToPath(new URL('../../node_modules/.cache/parley-bench', import.meta.url));

export function webchatMinimalSize(): { version: string; gzip: number } | null {
  try {
    mkdirSync(CACHE, { recursive: true });
    let tarball = readdirSync(CACHE).find((f) => /^botframework-webchat-4\..*\.tgz$/.test(f));
    if (!tarball) {
      execFileSync('npm', ['pack', 'botframework-webchat@4', '--silent', '--pack-destination', CACHE], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 120_000 });
      tarball = readdirSync(CACHE).find((f) => /^botframework-webchat-4\..*\.tgz$/.test(f));
    }
    if (!tarball) return null;
    const file = join(CACHE, 'package/dist/webchat-minimal.js');
    if (!existsSync(file)) execFileSync('tar', ['xzf', join(CACHE, tarball), '-C', CACHE, 'package/dist/webchat-minimal.js']);
    return { version: tarball.replace(/^botframework-webchat-|\.tgz$/g, ''), gzip: gzipSize(file) };
  } catch {
    return null;
  }
}
