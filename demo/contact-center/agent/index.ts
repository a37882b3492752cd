// The agent side: the agent API and the build of the agent console page (console/, a Vite page of its own).
export { buildAgentConsole, ensureAgentConsole } from './console-build';
export { agentApi } from './routes';
