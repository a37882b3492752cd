// Microsoft's botbuilder samples (../shared/third-party/botbuilder-samples), unmodified, as
// processes: each is copied to a temporary folder (the shared one is read-only), its dependencies
// come from this project's node_modules (NODE_PATH), it listens on a free port of 127.0.0.1 (a
// preload binds restify there), and its credentials come from the environment as its README says
// (empty by default: no authentication, as in local development).
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess } from '../bench/lib';
import { tempRoot } from './temp';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SAMPLES = join(ROOT, '..', 'shared', 'third-party', 'botbuilder-samples');
const PRELOAD = fileURLToPath(new URL('./bind-loopback.cjs', import.meta.url));

export type Sample = '02.echo-bot' | '03.welcome-users' | '05.multi-turn-prompt' | '06.using-cards' | '08.suggested-actions' | '15.handling-attachments';

export interface RunningSample {
  url: string;
  /** Its messaging endpoint (BOT_ENDPOINT). */
  endpoint: string;
  child: Awaited<ReturnType<typeof startProcess>>['child'];
  stop(): Promise<void>;
}

/** Where the samples are: the shared folder (a worktree's ../shared), or SAMPLES_DIR. */
export function samplesDir(): string {
  const dir = process.env.SAMPLES_DIR ?? SAMPLES;
  if (!existsSync(dir)) throw new Error(`botbuilder samples not found at ${dir} (set SAMPLES_DIR)`);
  return dir;
}

/** Starts a sample; `env` adds to (or overrides) its settings, e.g. a dummy MicrosoftAppId. */
export async function startSample(name: Sample, env: Record<string, string> = {}): Promise<RunningSample> {
  const dir = mkdtempSync(join(tempRoot(), `sample-${name}-`));
  cpSync(join(samplesDir(), name), dir, { recursive: true });
  const running = await startProcess(
    join(dir, 'index.js'),
    {
      TMPDIR: tempRoot(),
      PORT: '0',
      NODE_PATH: join(ROOT, 'node_modules'),
      NODE_OPTIONS: `--require ${PRELOAD}`,
      // Set, even empty, these win over the sample's .env (dotenv does not overwrite them).
      MicrosoftAppType: '',
      MicrosoftAppId: '',
      MicrosoftAppPassword: '',
      MicrosoftAppTenantId: '',
      ...env,
    },
    /listening to (http:\/\/\S+)/,
  );
  // Some samples end the line with a full stop.
  const url = running.url.replace(/[./]+$/, '');
  const stop = async () => {
    if (running.child.exitCode === null && running.child.signalCode === null) await running.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, endpoint: `${url}/api/messages`, child: running.child, stop };
}
