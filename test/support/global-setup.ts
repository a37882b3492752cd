// Builds what the browser tests load (the agent console) once, before any test runs.
import { ensureAgentConsole } from '../../demo/contact-center/agent/console-build';

export default async function setup(): Promise<void> {
  await ensureAgentConsole();
}
