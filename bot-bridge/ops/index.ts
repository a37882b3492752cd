// The bridge's own operation: pino logs, Prometheus metrics and the idle sweeper.
export { createLogger, limitedWarnings, short, type Logger } from './logger';
export { Metrics } from './metrics';
export { startSweeper } from './sweeper';
