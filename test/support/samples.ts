// Microsoft's botbuilder samples (../shared/third-party/botbuilder-samples), unmodified, as real
// processes: the sample folder is copied to a temporary folder (the original is read-only), its
// dependencies come from the project's node_modules (NODE_PATH: botbuilder, botbuilder-dialogs,
// restify, dotenv, axios), and a preload binds whatever it listens on to 127.0.0.1 and says the
// port (restify would bind every interface), so `PORT=0` gives a free port and nothing else in the
// sample changes. No app credentials: authentication off, as in local development.
import { spawn } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileTempDir } from './temp';

export const SAMPLES_DIR = fileURLToPath(new URL('../../../shared/third-party/botbuilder-samples', import.meta.url));
const NODE_MODULES = fileURLToPath(new URL('../../node_modules', import.meta.url));

/** Wraps net.Server.prototype.listen: a port-only listen gets host 127.0.0.1; prints the address once bound. */
const PRELOAD = `
const net = require('net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\\d+$/.test(args[0]))) {
    const callbacks = args.filter((a) => typeof a === 'function');
    this.once('listening', () => console.log('sample: listening on http://127.0.0.1:' + this.address().port));
    return listen.call(this, Number(args[0]), '127.0.0.1', ...callbacks);
  }
  return listen.apply(this, args);
};
`;

export interface RunningSample {
  name: string;
  url: string;
  endpoint: string;
  /** Everything it printed (its onTurnError logs "[onTurnError]"). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `name` (e.g. "02.echo-bot"); call at the top of a file or in beforeAll (its copy lives until the file ends). */
export async function startSample(name: string, env: Record<string, string> = {}): Promise<RunningSample> {
  const dir = fileTempDir(`sample-${name}-`);
  cpSync(join(SAMPLES_DIR, name), dir, { recursive: true });
  const preload = join(dir, '.parley-bind-loopback.cjs');
  writeFileSync(preload, PRELOAD);
  const child = spawn(process.execPath, ['-r', preload, 'index.js'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_PATH: NODE_MODULES,
      PORT: '0',
      MicrosoftAppId: '',
      MicrosoftAppPassword: '',
      MicrosoftAppTenantId: '',
      MicrosoftAppType: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /sample: listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${output}`));
    });
  });
  return {
    name,
    url,
    endpoint: `${url}/api/messages`,
    output: () => output,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}
